package api

import (
	"encoding/json"
	"testing"

	"github.com/privet-dev/privet/consent"
)

// FuzzAppendDecisions: the batch's own encoder writes what encoding/json
// writes for the same decisions, byte for byte, whatever the strings hold.
func FuzzAppendDecisions(f *testing.F) {
	f.Add("sub_01", "marketing.communications.email", true, "consent_given", "consent", "opt_in")
	f.Add("", "p", false, "not_found", "", "")
	f.Add("sub_\"<&>\\\n\x00é\u2028", "a\tb", false, "x", "\xff", "\u00e9")
	f.Fuzz(func(t *testing.T, id, purpose string, allowed bool, reason, basis, mechanism string) {
		ds := []consent.Decision{
			{SubjectID: id, Purpose: purpose, Allowed: allowed, Reason: reason, Basis: basis, Mechanism: mechanism},
			{SubjectID: "sub_plain", Purpose: purpose, Reason: consent.ReasonNotFound},
		}
		want, err := json.Marshal(decideBatchAnswer{Decisions: ds})
		if err != nil {
			t.Fatal(err)
		}
		if got := appendDecisions(nil, ds); string(got) != string(want)+"\n" {
			t.Fatalf("appendDecisions = %s\nencoding/json = %s", got, want)
		}
	})
}

// FuzzDecideBatchBody: the body's decoder never panics, and what it accepts
// is what encoding/json decodes, with unknown fields and wrong types refused
// naming a field.
func FuzzDecideBatchBody(f *testing.F) {
	f.Add(`{"purpose":"p","subject_ids":["a","b"]}`)
	f.Add(`{"purpose":"p","subject_ids":[5]}`)
	f.Add(`{"purpose":"p","email":"x"}`)
	f.Add(`{"purpose":`)
	f.Add(`{"subject_ids":"a"}`)
	f.Fuzz(func(t *testing.T, data string) {
		var b decideBatchBody
		if err := json.Unmarshal([]byte(data), &b); err != nil || b.invalid != nil {
			return
		}
		var want struct {
			Purpose    string   `json:"purpose"`
			SubjectIDs []string `json:"subject_ids"`
		}
		if err := json.Unmarshal([]byte(data), &want); err != nil {
			t.Fatalf("accepted %q, which encoding/json refuses: %v", data, err)
		}
		if b.Purpose != want.Purpose || len(b.SubjectIDs) != len(want.SubjectIDs) {
			t.Fatalf("decoded %q as %+v, encoding/json as %+v", data, b, want)
		}
	})
}
