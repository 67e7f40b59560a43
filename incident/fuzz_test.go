package incident_test

import (
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/incident"
	"github.com/privet-dev/privet/tenancy"
)

// FuzzCreate feeds arbitrary texts, categories, risks and places to Create:
// it either records the incident or refuses it with an input error naming a
// field, and a refusal never quotes what it was given.
func FuzzCreate(f *testing.F) {
	f.Add("Mailbox exposed", "d", "user.contact.email", "high_risk", "EU")
	f.Add("", "d", "user", "none", "")
	f.Add("t", "d", "user.contact.email.", "risk", "US-ZZ")
	f.Add("t\xff", "d", "user..contact", "HIGH", "de")
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, title, desc, category, risk, place string) {
		in := incident.NewIncident{Title: title, Description: desc, Categories: []string{category}, Risk: privet.Risk(risk),
			Impact: "i", Measures: "m"}
		if place != "" {
			in.Jurisdictions = []string{place}
		}
		inc, err := e.inc.Create(e.ctx, tenancy.Operator(), e.tenant, in)
		if err == nil {
			if inc.Title != strings.TrimSpace(title) || inc.Risk != privet.Risk(risk) {
				t.Fatalf("recorded %+v", inc)
			}
			return
		}
		code := privet.ErrorCode(err)
		if (code != privet.EINVALID && code != privet.ETOOLARGE) || privet.ErrorField(err) == "" {
			t.Fatalf("error %v", err)
		}
		for _, v := range []string{title, desc, category, place} {
			if len(v) > 3 && strings.Contains(privet.ErrorMessage(err), v) {
				t.Fatalf("the error quotes the input %q: %v", v, err)
			}
		}
	})
}
