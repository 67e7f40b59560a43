package api

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/privet-dev/privet/vault"
)

// FuzzSubjectCreateBody: the create's own decoder accepts exactly the bodies
// the route's schema (vault.CreateInput's, the one in the OpenAPI document)
// accepts, and decodes them as encoding/json does.
func FuzzSubjectCreateBody(f *testing.F) {
	f.Add(`{"jurisdiction":"DE","identities":[{"type":"email","value":"a@example.com"}],"fields":[{"name":"name","category":"user.name","value":"Ada"}]}`)
	f.Add(`{"jurisdiction":"DE","birth_date":"1815-12-10","age_band":"adult","identities":[{"type":"email","value":"a@example.com"},{"type":"cookie_id","value":"c"}]}`)
	f.Add(`{"jurisdiction":"DE","identities":null,"fields":null,"birth_date":null}`)
	f.Add(`{"jurisdiction":"DE"}`)
	f.Add(`{"identities":[]}`)
	f.Add(`{"jurisdiction":null,"identities":[]}`)
	f.Add(`{"jurisdiction":"DE","identities":[null]}`)
	f.Add(`{"jurisdiction":"DE","identities":[{"type":"email"}]}`)
	f.Add(`{"jurisdiction":"DE","identities":[{"type":"email","value":null}]}`)
	f.Add(`{"jurisdiction":"DE","identities":[{"type":"email","value":"x","extra":1}]}`)
	f.Add(`{"jurisdiction":"DE","identities":[],"fields":[{"name":"n","category":"c"}]}`)
	f.Add(`{"jurisdiction":"DE","identities":[],"fields":[{"name":"n","category":"c","value":5}]}`)
	f.Add(`{"jurisdiction":"DE","identities":{},"fields":[]}`)
	f.Add(`{"jurisdiction":"DE","IDENTITIES":[{"Type":"email","VALUE":"x"}],"email":"x"}`)
	f.Add(`{"jurisdiction":"DE","identities":[],"Identities":null}`)
	f.Add(`{"jurisdiction":"DE","identities":[]} []`)
	f.Add(`null`)
	schemaAccepts := schemaValidator[vault.CreateInput]()
	f.Fuzz(func(t *testing.T, data string) {
		var b subjectCreateBody
		err := json.Unmarshal([]byte(data), &b)
		if !agreesWithSchema(t, schemaAccepts, data, err, b.invalid) {
			return
		}
		var want vault.CreateInput
		if err := json.Unmarshal([]byte(data), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(b.CreateInput, want) {
			t.Fatalf("%q decoded as %+v, encoding/json as %+v", data, b.CreateInput, want)
		}
	})
}
