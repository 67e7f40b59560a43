package api

import (
	"encoding/json"
	"testing"
)

// FuzzSubjectLookupBody: the lookup's own decoder accepts exactly the bodies
// the route's schema (the one in the OpenAPI document) accepts, and decodes
// them as encoding/json does.
func FuzzSubjectLookupBody(f *testing.F) {
	f.Add(`{"type":"email","value":"a@example.com","purpose":"essential.service"}`)
	f.Add(`{"type":"email","value":"a@example.com","purpose":"p","masked":true}`)
	f.Add(`{"type":"fax","value":"1","purpose":"p"}`)
	f.Add(`{"type":"email","value":5,"purpose":"p"}`)
	f.Add(`{"type":"email","value":"x","purpose":"p","extra":1}`)
	f.Add(`{"type":"email","value":"x"}`)
	f.Add(`{"type":"email","value":null,"purpose":"p"}`)
	f.Add(`{"type":"email","value":"x","purpose":"p"} {}`)
	f.Add(`[]`)
	schemaAccepts := schemaValidator[subjectLookupInputBody]()
	f.Fuzz(func(t *testing.T, data string) {
		var b subjectLookupInputBody
		err := json.Unmarshal([]byte(data), &b)
		accepted := err == nil && b.invalid == nil

		schemaOK := schemaAccepts(data)
		if accepted != schemaOK {
			t.Fatalf("%q: decoder accepts %v (%v, %v), schema accepts %v", data, accepted, err, b.invalid, schemaOK)
		}
		if !accepted {
			return
		}
		var want struct {
			Type    string `json:"type"`
			Value   string `json:"value"`
			Purpose string `json:"purpose"`
			Masked  bool   `json:"masked"`
		}
		if err := json.Unmarshal([]byte(data), &want); err != nil {
			t.Fatal(err)
		}
		if string(b.Type) != want.Type || b.Value != want.Value || b.Purpose != want.Purpose || b.Masked != want.Masked {
			t.Fatalf("%q decoded as %+v, encoding/json as %+v", data, b, want)
		}
	})
}
