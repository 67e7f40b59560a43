package api

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/privet-dev/privet/vault"
)

// BenchmarkBodyDecode compares, per body of the load generator's shape,
// what huma did before (a generic copy of the body, the schema's validation
// of it, then the struct decode) with the route's one-pass decoder.
func BenchmarkBodyDecode(b *testing.B) {
	consentBody := []byte(`{"subject_id":"sub_06h18lspe369167irmfc5joldo","purpose":"marketing.communications.email","state":"given","source":"api"}`)
	createBody := []byte(`{"jurisdiction":"DE","identities":[{"type":"email","value":"load-123456@example.com"},{"type":"cookie_id","value":"cookie-123456"}],` +
		`"fields":[{"name":"name","category":"user.name","value":"Load Tester 123456"},{"name":"phone","category":"user.contact.phone_number","value":"+49 30 1234567"},` +
		`{"name":"company","category":"user.workplace","value":"Example GmbH"},{"name":"avatar","category":"user.social.avatar","value":"https://example.com/a/123456.png"},` +
		`{"name":"address","category":"user.contact.address","value":"Unter den Linden 1, 10117 Berlin"}]}`)
	huma2 := func(b *testing.B, body []byte, t reflect.Type, into func() any) {
		registry := huma.NewMapRegistry("#/components/schemas/", huma.DefaultSchemaNamer)
		schema := registry.Schema(t, false, "")
		b.ReportAllocs()
		for b.Loop() {
			var generic any
			if err := json.Unmarshal(body, &generic); err != nil {
				b.Fatal(err)
			}
			res := &huma.ValidateResult{}
			huma.Validate(registry, schema, huma.NewPathBuffer([]byte{}, 0), huma.ModeWriteToServer, generic, res)
			if len(res.Errors) > 0 {
				b.Fatal(res.Errors)
			}
			if err := json.Unmarshal(body, into()); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("consent/huma", func(b *testing.B) {
		huma2(b, consentBody, reflect.TypeFor[consentRecordInputBody](), func() any {
			type plain consentRecordInputBody // encoding/json's decode, as before
			return new(plain)
		})
	})
	b.Run("consent/once", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v consentRecordInputBody
			if err := json.Unmarshal(consentBody, &v); err != nil || v.invalid != nil {
				b.Fatal(err, v.invalid)
			}
		}
	})
	b.Run("create/huma", func(b *testing.B) {
		huma2(b, createBody, reflect.TypeFor[vault.CreateInput](), func() any { return new(vault.CreateInput) })
	})
	b.Run("create/once", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v subjectCreateBody
			if err := json.Unmarshal(createBody, &v); err != nil || v.invalid != nil {
				b.Fatal(err, v.invalid)
			}
		}
	})
}
