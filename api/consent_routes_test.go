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
