package export

import (
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/taxonomy"
)

// disclosures is what the policy tells a person about their data, resolved
// for their jurisdiction: the same in data.json and on the page.
type disclosures struct {
	Controller policy.Controller    `json:"controller"`
	Categories []categoryDisclosure `json:"categories"`
	Purposes   []purposeDisclosure  `json:"purposes"`
	// AutomatedDecisions says whether any purpose involves automated
	// decision-making or profiling, and the logic where the policy gives
	// it: said either way, so a copy never leaves the question open.
	AutomatedDecisions automatedDecisions       `json:"automated_decisions"`
	Recipients         []recipientDisclosure    `json:"recipients"`
	Retention          []policy.RetentionRule   `json:"retention"`
	Storage            []policy.StorageLocation `json:"storage"`
	// Transfers are the recipients outside the storage countries, with the
	// mechanism that makes each transfer lawful.
	Transfers []recipientDisclosure `json:"transfers"`
	// PolicyVersion and PolicyHash name the policy the disclosures come from.
	PolicyVersion string `json:"policy_version"`
	PolicyHash    string `json:"policy_hash"`
}

type categoryDisclosure struct {
	Key         string   `json:"key"`
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	Sources     []string `json:"sources"`
	Sensitive   bool     `json:"sensitive,omitempty"`
	// Retention names the retention rules that cover the category.
	Retention []string `json:"retention,omitempty"`
}

type purposeDisclosure struct {
	Key         string   `json:"key"`
	Description string   `json:"description"`
	Basis       string   `json:"lawful_basis"`
	Categories  []string `json:"categories"`
	// Profiling marks automated decision-making or profiling; false is
	// written out, as an answer.
	Profiling      bool   `json:"profiling"`
	ProfilingLogic string `json:"profiling_logic,omitempty"`
}

type automatedDecisions struct {
	Any      bool               `json:"any"`
	Purposes []profilingPurpose `json:"purposes"`
}

type profilingPurpose struct {
	Key   string `json:"key"`
	Logic string `json:"logic,omitempty"`
}

type recipientDisclosure struct {
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	Country    string   `json:"country"`
	Transfer   string   `json:"transfer_mechanism,omitempty"`
	Purposes   []string `json:"purposes"`
	Categories []string `json:"categories"`
}

func buildDisclosures(c *policy.Compiled, place string) *disclosures {
	p := c.Policy
	d := &disclosures{
		Controller: p.Controller, Retention: p.Retention.Rules, Storage: p.Storage,
		PolicyVersion: p.Version, PolicyHash: c.Hash,
		Categories: []categoryDisclosure{}, Purposes: []purposeDisclosure{},
		Recipients: []recipientDisclosure{}, Transfers: []recipientDisclosure{},
		AutomatedDecisions: automatedDecisions{Purposes: []profilingPurpose{}},
	}
	for _, cat := range p.Categories {
		cd := categoryDisclosure{Key: cat.Key, Description: cat.Description, Sources: cat.Sources, Sensitive: cat.Sensitive}
		if e, ok := c.Taxonomy.Get(taxonomy.Category, cat.Key); ok {
			cd.Name = e.Name
			if cd.Description == "" {
				cd.Description = e.Description
			}
		}
		for _, r := range c.RetentionFor(cat.Key) {
			cd.Retention = append(cd.Retention, r.Key)
		}
		d.Categories = append(d.Categories, cd)
	}
	for _, pu := range p.Purposes {
		d.Purposes = append(d.Purposes, purposeDisclosure{Key: pu.Key, Description: pu.Description,
			Basis: c.Basis(pu.Key, place), Categories: pu.Categories, Profiling: pu.Profiling, ProfilingLogic: pu.ProfilingLogic})
		if pu.Profiling {
			d.AutomatedDecisions.Any = true
			d.AutomatedDecisions.Purposes = append(d.AutomatedDecisions.Purposes, profilingPurpose{Key: pu.Key, Logic: pu.ProfilingLogic})
		}
	}
	stored := map[string]bool{}
	for _, s := range p.Storage {
		stored[s.Country] = true
	}
	for _, r := range p.Recipients {
		rd := recipientDisclosure{Name: r.Name, Type: r.Type, Country: r.Country, Transfer: r.Transfer,
			Purposes: r.Purposes, Categories: r.Categories}
		d.Recipients = append(d.Recipients, rd)
		if r.Transfer != "" || !stored[r.Country] {
			d.Transfers = append(d.Transfers, rd)
		}
	}
	return d
}

// category returns the disclosure of a category key, or a bare one for a
// key the policy does not declare.
func (d *disclosures) category(key string) categoryDisclosure {
	for _, c := range d.Categories {
		if c.Key == key {
			return c
		}
	}
	return categoryDisclosure{Key: key}
}
