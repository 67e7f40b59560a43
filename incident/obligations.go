package incident

import (
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/deadline"
	"github.com/privet-dev/privet/jurisdiction"
)

// Who an obligation is owed to.
const (
	ToRegulator = "regulator"
	ToPeople    = "people"
)

// Obligation is one notice a law asks for after the breach: to the
// regulator or to the people affected, in one jurisdiction.
type Obligation struct {
	Jurisdiction string `json:"jurisdiction"`
	Law          string `json:"law"`
	Audience     string `json:"audience"` // ToRegulator or ToPeople
	// Recipient is whom to tell (for the regulator: which authority).
	Recipient string `json:"recipient,omitempty"`
	// Required says the breach meets the law's threshold: its risk level
	// and, where the law counts them, the number of people affected.
	Required bool `json:"required"`
	// Due is the deadline, counted from DiscoveredAt; nil where the law
	// fixes no period (Timing then says what it asks: "immediately",
	// "without undue delay").
	Due      *time.Time `json:"due,omitempty"`
	Timing   string     `json:"timing"`
	Citation string     `json:"citation"`
	// Done is when the notice was given, if it was.
	Done    *time.Time `json:"done,omitempty"`
	Overdue bool       `json:"overdue"`
}

// Obligations lists what the laws of the incident's jurisdictions ask, as
// of now, given how many people it affects. A place privet knows no breach
// rule for is left out; the caller should check such places by hand.
func Obligations(inc *privet.Incident, people int64, now time.Time) []Obligation {
	var out []Obligation
	seen := map[string]bool{}
	for _, place := range inc.Jurisdictions {
		law, ok := jurisdiction.Lookup(place)
		if !ok || law.Breach == nil || seen[law.Key] {
			continue
		}
		seen[law.Key] = true
		b := law.Breach
		cite := law.Citations["Breach"]
		reg := Obligation{
			Jurisdiction: law.Key, Law: law.Name, Audience: ToRegulator, Recipient: b.Regulator,
			Required: inc.Risk.AtLeast(b.RegulatorRisk) && (b.RegulatorMinPeople == 0 || people >= int64(b.RegulatorMinPeople)),
			Timing:   b.RegulatorTiming, Citation: cite, Done: inc.RegulatorNotifiedAt,
		}
		reg.Due = due(inc.DiscoveredAt, b.RegulatorWithin)
		ppl := Obligation{
			Jurisdiction: law.Key, Law: law.Name, Audience: ToPeople,
			Required: inc.Risk.AtLeast(b.PeopleRisk), Timing: b.PeopleTiming, Citation: cite,
			Done: firstTime(inc.PeopleNotifiedAt, inc.PublicNoticeAt),
		}
		ppl.Due = due(inc.DiscoveredAt, b.PeopleWithin)
		for _, o := range []*Obligation{&reg, &ppl} {
			o.Overdue = o.Required && o.Done == nil && o.Due != nil && now.After(*o.Due)
		}
		out = append(out, reg, ppl)
	}
	return out
}

// Overdue reports whether any required notice is past its deadline.
func Overdue(obs []Obligation) bool {
	for _, o := range obs {
		if o.Overdue {
			return true
		}
	}
	return false
}

func due(from time.Time, p deadline.Period) *time.Time {
	if p.IsZero() {
		return nil
	}
	t := deadline.Add(from, p, deadline.NoHolidays{})
	return &t
}

func firstTime(ts ...*time.Time) *time.Time {
	var first *time.Time
	for _, t := range ts {
		if t != nil && (first == nil || t.Before(*first)) {
			first = t
		}
	}
	return first
}
