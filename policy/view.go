package policy

import (
	"slices"
	"strconv"
	"strings"

	"github.com/privet-dev/privet/taxonomy"
)

// notice is what the rendered privacy notice says, already in words, so the
// Markdown and HTML templates only lay it out and cannot drift apart.
type notice struct {
	Service, Version, Effective string
	EffectiveISO                string
	Controller                  Controller
	Processor                   bool
	Clients                     []Client
	Categories                  []noticeCategory
	Sensitive                   []string
	Purposes                    []noticePurpose
	RecipientGroups             []recipientGroup
	Storage                     []string
	Transfers                   []string
	Retention                   []string
	Ceiling                     string
	KeepAnonymized              string
	Rights                      []noticeRights
	Exercise                    []string
	Children                    string
	Cookies                     []noticeCookie
	Complaints                  []string
	Changes                     string
	TaxonomyVersion             string
}

type noticeCategory struct {
	Name, Key, Description, Sources string
	Required, Sensitive             bool
}

type noticePurpose struct {
	Name, Key, Description, Categories, Withdraw, Renewal string
	Places                                                []noticePlace
}

type noticePlace struct{ Place, Basis, Mechanism string }

type recipientGroup struct {
	Type       string
	Recipients []noticeRecipient
}

type noticeRecipient struct{ Name, Purposes, Categories, Country, Transfer string }

type noticeRights struct {
	Place, Law, Response string
	Rights               []string
}

type noticeCookie struct{ Name, Category, Provider, Duration, Purpose string }

func (c *Compiled) name(kind taxonomy.Kind, key string) string {
	if e, ok := c.Taxonomy.Get(kind, key); ok && e.Name != "" {
		return e.Name
	}
	return key
}

// placeName names a jurisdiction key for people: "EU (EU General Data
// Protection Regulation)"; "*" is everyone else.
func (c *Compiled) placeName(place string) string {
	if place == Wildcard {
		return "Everywhere else"
	}
	if law := c.Law(place); law != nil && law.Name != "" {
		return place + " (" + law.Name + ")"
	}
	return place
}

func buildNotice(c *Compiled) notice {
	p := c.Policy
	n := notice{
		Service: p.Service, Version: p.Version, Effective: p.Effective, EffectiveISO: p.Effective,
		Controller: p.Controller, Processor: p.Role == "processor", Clients: p.Clients,
		TaxonomyVersion: taxonomy.Version(),
	}
	if !c.Effective.IsZero() {
		n.Effective = c.Effective.Format("2 January 2006")
	}
	catNames := func(keys []string) string {
		return list(mapWords(keys, func(k string) string { return c.name(taxonomy.Category, k) }))
	}
	purposeNames := func(keys []string) string {
		return list(mapWords(keys, func(k string) string { return c.name(taxonomy.Use, k) }))
	}
	for _, cat := range p.Categories {
		nc := noticeCategory{Name: c.name(taxonomy.Category, cat.Key), Key: cat.Key, Description: cat.Description,
			Sources: capitalize(list(mapWords(cat.Sources, sourceWords))), Required: cat.Required, Sensitive: cat.Sensitive}
		n.Categories = append(n.Categories, nc)
		if cat.Sensitive {
			n.Sensitive = append(n.Sensitive, nc.Name)
		}
	}
	for _, pu := range p.Purposes {
		np := noticePurpose{Name: c.name(taxonomy.Use, pu.Key), Key: pu.Key, Description: pu.Description,
			Categories: catNames(pu.Categories), Withdraw: orList(mapWords(pu.Withdraw, withdrawWords))}
		if pu.Renewal != "" {
			np.Renewal = periodWords(pu.Renewal)
		}
		for _, place := range p.Jurisdictions {
			np.Places = append(np.Places, noticePlace{Place: c.placeName(place),
				Basis: basisWords(c.Basis(pu.Key, place)), Mechanism: mechanismWords(c.Mechanism(pu.Key, place))})
		}
		n.Purposes = append(n.Purposes, np)
	}
	for _, typ := range enums()["recipient"] {
		g := recipientGroup{Type: recipientTypeWords(typ)}
		for _, r := range p.Recipients {
			if r.Type != typ {
				continue
			}
			nr := noticeRecipient{Name: r.Name, Purposes: purposeNames(r.Purposes), Categories: catNames(r.Categories), Country: r.Country}
			if r.Transfer != "" {
				nr.Transfer = transferWords(r.Transfer)
				n.Transfers = append(n.Transfers, r.Name+" ("+r.Country+") under "+nr.Transfer)
			}
			g.Recipients = append(g.Recipients, nr)
		}
		if len(g.Recipients) > 0 {
			n.RecipientGroups = append(n.RecipientGroups, g)
		}
	}
	for _, s := range p.Storage {
		line := s.Country
		if s.Description != "" {
			line += ": " + s.Description
		}
		n.Storage = append(n.Storage, line)
	}
	for _, r := range p.Retention.Rules {
		n.Retention = append(n.Retention, retentionSentence(c, r))
	}
	if p.Retention.Ceiling != "" {
		n.Ceiling = periodWords(p.Retention.Ceiling)
	}
	if len(p.Retention.KeepAnonymized) > 0 {
		k := p.Retention.K
		if k == 0 {
			k = 5
		}
		n.KeepAnonymized = capitalize(catNames(p.Retention.KeepAnonymized)) +
			" may be kept once anonymized, only in groups of at least " + itoa(k) + " people."
	}
	n.Rights = noticeRightsFor(c)
	n.Exercise = exercise(p)
	n.Children = childrenSentence(p.Children)
	for _, ck := range p.Cookies {
		d := "Until you close the browser"
		if ck.Duration != "session" {
			d = periodWords(ck.Duration)
		}
		n.Cookies = append(n.Cookies, noticeCookie{Name: ck.Name, Category: cookieCategoryWords(ck.Category),
			Provider: ck.Provider, Duration: d, Purpose: ck.Purpose})
	}
	n.Complaints = complaints(c)
	if ch := p.Changes; ch != nil {
		n.Changes = "We tell you of material changes " + list(mapWords(ch.Notice, noticeWords))
		if ch.Before != "" {
			n.Changes += ", at least " + periodWords(ch.Before) + " before they take effect"
		}
		n.Changes += "."
	}
	return n
}

// retentionSentence says a rule in words: "Email address and Name are
// deleted 180 days after the account is closed."
func retentionSentence(c *Compiled, r RetentionRule) string {
	var what []string
	for _, k := range r.Categories {
		what = append(what, c.name(taxonomy.Category, k))
	}
	for _, k := range r.Purposes {
		what = append(what, "data used for "+strings.ToLower(c.name(taxonomy.Use, k)))
	}
	what = append(what, mapWords(r.Records, recordWords)...)
	s := capitalize(list(what)) + " " + map[bool]string{true: "are", false: "is"}[len(what) > 1 || len(r.Records) > 0] + " " +
		actionWords(r.Action) + " " + periodWords(r.Period) + " " + triggerWords(r.Trigger)
	if r.Ceiling != "" {
		s += ", and never kept more than " + periodWords(r.Ceiling)
	}
	if len(r.Exceptions) > 0 {
		s += ", unless we must keep it longer because of " + orList(mapWords(r.Exceptions, exceptionWords))
	}
	return s + "."
}

func noticeRightsFor(c *Compiled) []noticeRights {
	p := c.Policy
	places := slices.Clone(p.Jurisdictions)
	var out []noticeRights
	for _, place := range places {
		nr := noticeRights{Place: place}
		if law := c.Law(place); law != nil {
			nr.Law = law.Name
		}
		for _, r := range c.Rights(place) {
			nr.Rights = append(nr.Rights, rightWords(string(r)))
		}
		if d := c.ResponseDeadline(place, "default"); !d.IsZero() {
			nr.Response = periodText(d)
		}
		out = append(out, nr)
	}
	return out
}

func exercise(p *Policy) []string {
	lines := []string{"Use the privacy center, or write to " + p.Controller.Email + "."}
	if p.Controller.DPO != nil && p.Controller.DPO.Email != "" {
		lines = append(lines, "You can also reach our data protection officer at "+p.Controller.DPO.Email+".")
	}
	lines = append(lines, "We verify your identity before we act on a request.")
	if p.Rights.ConfirmErasure {
		lines = append(lines, "Before we delete your data we ask you to confirm.")
	}
	if f := p.Rights.Fees; f != nil {
		s := "Requests are free"
		if f.FreeCopies > 0 {
			s = "The first " + plural(f.FreeCopies, "copy", "copies") + " of your data in 12 months " +
				map[bool]string{true: "is", false: "are"}[f.FreeCopies == 1] + " free; further copies cost " + f.Amount
		}
		if f.Excessive {
			s += ". Manifestly unfounded or excessive requests may be refused or charged, and we tell you why first"
		}
		lines = append(lines, s+".")
	}
	if p.Rights.ExportWindow != "" {
		lines = append(lines, "A copy of your data stays available to download for "+periodWords(p.Rights.ExportWindow)+".")
	}
	if len(p.Rights.B2BExempt) > 0 {
		lines = append(lines, "In "+list(p.Rights.B2BExempt)+", business contact data of employees acting in their job is exempt from these rights.")
	}
	return lines
}

func childrenSentence(ch Children) string {
	if ch.MinimumAge <= 0 {
		return ""
	}
	s := "We do not knowingly collect data of children under " + itoa(ch.MinimumAge)
	if ch.GuardianConsent {
		s += " without a parent's or guardian's consent"
	}
	switch ch.Action {
	case "delete":
		s += ". If we learn we have, we delete it."
	case "restrict":
		s += ". If we learn we have, we stop using it."
	case "guardian_consent":
		s += ". If we learn we have, we stop using it and ask a parent or guardian for consent."
	default:
		s += "."
	}
	if ch.Contact != "" {
		s += " " + ch.Contact
	}
	return s
}

func complaints(c *Compiled) []string {
	var lines []string
	if cp := c.Policy.Complaints; cp != nil {
		s := "We answer complaints within " + periodWords(cp.Response) + "."
		if cp.Escalation != "" {
			s += " If we cannot resolve yours, you may take it to " + strings.TrimSuffix(cp.Escalation, ".") + "."
		}
		lines = append(lines, s)
	}
	for _, place := range c.Policy.Jurisdictions {
		if law := c.Law(place); law != nil && law.Complaint != "" {
			lines = append(lines, place+": you may complain to "+strings.TrimSuffix(law.Complaint, ".")+".")
		}
	}
	return lines
}

func itoa(n int) string { return strconv.Itoa(n) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return itoa(n) + " " + many
}
