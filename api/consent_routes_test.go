package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

func TestConsentRoutes(t *testing.T) {
	e := newEnv(t)
	v, err := e.vault.Create(context.Background(), tenancy.Operator(), e.tenantA, vault.CreateInput{
		Jurisdiction: "DE", Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "consent@example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	decide := `{"subject_id":"` + v.ID + `","purpose":"marketing.communications.email"}`
	steps := []struct {
		method, path, key, body string
		status                  int
		want                    []string
	}{
		{"POST", "/v1/decisions", e.adminA, decide, http.StatusOK, []string{`"allowed":false`, `"reason":"no_consent"`, `"lawful_basis":"consent"`}},
		{"POST", "/v1/consents", e.readerA, `{"subject_id":"` + v.ID + `","purpose":"marketing.communications.email","state":"given","source":"api"}`, http.StatusForbidden, nil},
		{"POST", "/v1/consents", e.adminA, `{"subject_id":"` + v.ID + `","purpose":"marketing.communications.email","state":"given","source":"banner","ip":"203.0.113.9"}`,
			http.StatusCreated, []string{`"state":"given"`, `"ip":"203.0.113.0"`}},
		{"POST", "/v1/decisions", e.adminA, decide, http.StatusOK, []string{`"allowed":true`, `"reason":"consent_given"`}},
		{"POST", "/v1/decisions/batch", e.adminA, `{"purpose":"marketing.communications.email","subject_ids":["` + v.ID + `","sub_missing"]}`,
			http.StatusOK, []string{`"reason":"consent_given"`, `"reason":"not_found"`}},
		{"GET", "/v1/subjects/" + v.ID + "/consents", e.adminA, "", http.StatusOK, []string{`"source":"banner"`}},
		{"GET", "/v1/subjects/" + v.ID + "/consents", e.adminB, "", http.StatusNotFound, nil},
		{"POST", "/v1/decisions", e.adminB, decide, http.StatusNotFound, nil},
		{"POST", "/v1/decisions", e.adminA, `{"subject_id":"` + v.ID + `","purpose":"no.such"}`, http.StatusUnprocessableEntity, []string{"purpose"}},
	}
	for _, s := range steps {
		w := e.do(t, s.method, s.path, s.key, s.body)
		if w.Code != s.status {
			t.Fatalf("%s %s: %d, want %d: %s", s.method, s.path, w.Code, s.status, w.Body)
		}
		for _, want := range s.want {
			if !strings.Contains(w.Body.String(), want) {
				t.Errorf("%s %s: body lacks %s: %s", s.method, s.path, want, w.Body)
			}
		}
	}
}

// TestConsentRecordBodyChecks: the consent write's body is checked as its
// schema says (the route decodes it once, without huma's generic pass):
// each refusal is a 422 naming the field and never echoing the value, and
// the schema in the OpenAPI document is unchanged.
func TestConsentRecordBodyChecks(t *testing.T) {
	e := newEnv(t)
	v, err := e.vault.Create(context.Background(), tenancy.Operator(), e.tenantA, vault.CreateInput{
		Jurisdiction: "DE", Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "checks@example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ok := `"subject_id":"` + v.ID + `","purpose":"marketing.communications.email"`
	for _, c := range []struct {
		name, body, field string
	}{
		{"missing state", `{` + ok + `,"source":"api"}`, "state"},
		{"missing source", `{` + ok + `,"state":"given"}`, "source"},
		{"state outside the enum", `{` + ok + `,"state":"secretly-given","source":"api"}`, "state"},
		{"source outside the enum", `{` + ok + `,"state":"given","source":"secret-source"}`, "source"},
		{"null state", `{` + ok + `,"state":null,"source":"api"}`, "state"},
		{"unknown field", `{` + ok + `,"state":"given","source":"api","email":"secret@example.com"}`, "email"},
		{"wrong type", `{` + ok + `,"state":"given","source":"api","guardian":"secret"}`, "guardian"},
		{"string given a number", `{"subject_id":12345678,"state":"given","source":"api"}`, "subject_id"},
		{"overlong ip", `{` + ok + `,"state":"given","source":"api","ip":"` + strings.Repeat("secret", 11) + `"}`, "ip"},
		{"overlong user agent", `{` + ok + `,"state":"given","source":"api","user_agent":"` + strings.Repeat("secret", 86) + `"}`, "user_agent"},
		{"overlong jurisdiction in characters", `{` + ok + `,"state":"given","source":"api","jurisdiction":"` + strings.Repeat("é", 17) + `"}`, "jurisdiction"},
	} {
		w := e.do(t, http.MethodPost, "/v1/consents", e.adminA, c.body)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `"field":"`+c.field+`"`) {
			t.Errorf("%s: %d %s, want 422 naming %s", c.name, w.Code, w.Body, c.field)
		}
		for _, secret := range []string{"secret", "12345678", "ééé"} {
			if strings.Contains(w.Body.String(), secret) {
				t.Errorf("%s: the answer echoes the value: %s", c.name, w.Body)
			}
		}
	}
	for _, c := range []struct{ name, body string }{
		{"optional properties as null are absent", `{` + ok + `,"state":"given","source":"api","ip":null,"guardian":null}`},
		{"every property, at its limits", `{` + ok + `,"state":"refused","source":"admin","jurisdiction":"DE",` +
			`"notice_hash":"` + strings.Repeat("a", 128) + `","user_agent":"` + strings.Repeat("u", 512) + `","ip":"192.0.2.1","guardian":true}`},
	} {
		if w := e.do(t, http.MethodPost, "/v1/consents", e.adminA, c.body); w.Code != http.StatusCreated {
			t.Errorf("%s: %d %s", c.name, w.Code, w.Body)
		}
	}
	w := e.do(t, http.MethodGet, "/openapi.json", e.adminA, "")
	const schema = `"ConsentRecordInputBody":{"additionalProperties":false,"properties":{"cookie_id":{"description":"The visitor's cookie id; only its blind index is kept.","maxLength":128,"type":"string"},"guardian":{"description":"A parent or guardian gave the choice for a child.","type":"boolean"},"ip":{"description":"The person's IP address; only its /24 or /48 network is kept.","maxLength":64,"type":"string"},"jurisdiction":{"description":"Where the person is; defaults to the subject's.","maxLength":16,"type":"string"},"notice_hash":{"description":"SHA-256 of the notice text shown.","maxLength":128,"type":"string"},"purpose":{"description":"The purpose; a gpc_signal or dnt_signal may leave it empty.","maxLength":200,"type":"string"},"source":{"description":"Where the choice was made.","enum":["banner","api","email_link","sms_keyword","gpc_signal","dnt_signal","admin","import"],"type":"string"},"state":{"description":"The choice.","enum":["given","refused","withdrawn","expired","needs_renewal"],"type":"string"},"subject_id":{"description":"The subject; or name a cookie id, or both to link them.","maxLength":64,"type":"string"},"user_agent":{"description":"The person's user agent, when the app relays the choice.","maxLength":512,"type":"string"}},"required":["state","source"],"type":"object"}`
	if !strings.Contains(w.Body.String(), schema) {
		t.Errorf("the consent write's schema changed in the OpenAPI document")
	}
}

// TestOnePassBodiesNotJSON: a body that is not JSON is a 400 that quotes
// nothing of it, as on every route, also on the routes that decode their
// body once.
func TestOnePassBodiesNotJSON(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/v1/consents", "/v1/subjects", "/v1/subjects/lookup", "/v1/keys"} {
		for _, body := range []string{`{"state":"given"}§`, `{"state":`, `{"state":§}`} {
			w := e.do(t, http.MethodPost, path, e.adminA, body)
			if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"code":"invalid"`) || strings.Contains(w.Body.String(), "§") {
				t.Errorf("POST %s %q: %d %s, want 400 quoting nothing", path, body, w.Code, w.Body)
			}
		}
	}
}
