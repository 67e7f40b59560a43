package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

type sentMail struct{ to []string }

func (s *sentMail) Send(_ context.Context, m notify.Message) error {
	s.to = append(s.to, m.To)
	return nil
}

const incidentBody = `{"title":"Mailbox exposed","description":"A support mailbox was readable by anyone.",
	"categories":["user.contact.email"],"risk":"high_risk","impact":"Phishing.","measures":"Mailbox closed.",
	"advice":"Ignore unexpected links.","password_reset":true,"jurisdictions":["EU"]}`

func TestIncidentRoutes(t *testing.T) {
	e := newEnv(t)
	mail := &sentMail{}
	e.services.Incidents.Reacher = &notify.Reacher{Contacts: e.vault, Mail: mail}
	v, err := e.vault.Create(context.Background(), tenancy.Operator(), e.tenantA, vault.CreateInput{
		Jurisdiction: "DE", Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "victim@example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}

	w := e.do(t, http.MethodPost, "/v1/incidents", e.adminA, incidentBody)
	if w.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	var inc struct {
		ID          string `json:"id"`
		Overdue     bool   `json:"overdue"`
		Obligations []struct {
			Audience string `json:"audience"`
			Due      string `json:"due"`
		} `json:"obligations"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &inc); err != nil || inc.ID == "" || len(inc.Obligations) != 2 || inc.Obligations[0].Due == "" {
		t.Fatalf("created: %s", w.Body)
	}

	// Input errors name the field; a key without the incidents scope is refused.
	bad := strings.Replace(incidentBody, `"user.contact.email"`, `"user.health"`, 1)
	if w := e.do(t, http.MethodPost, "/v1/incidents", e.adminA, bad); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `"field":"categories[0]"`) {
		t.Fatalf("unknown category: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodPost, "/v1/incidents", e.readerA, incidentBody); w.Code != http.StatusForbidden {
		t.Fatalf("reader key: %d", w.Code)
	}

	if w := e.do(t, http.MethodPost, "/v1/incidents/"+inc.ID+"/notify", e.adminA, ""); w.Code != http.StatusAccepted || !strings.Contains(w.Body.String(), `"affected":1`) {
		t.Fatalf("notify: %d %s", w.Code, w.Body)
	}
	w = e.do(t, http.MethodGet, "/v1/incidents/"+inc.ID+"/affected?pending=true", e.adminA, "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), v.ID) || !strings.Contains(w.Body.String(), `"password_reset":true`) ||
		strings.Contains(w.Body.String(), "victim@") {
		t.Fatalf("affected: %d %s", w.Code, w.Body)
	}

	// Not public until published; then anyone may read it, without a key.
	if w := e.do(t, http.MethodGet, "/v1/public/incidents/"+inc.ID, "", ""); w.Code != http.StatusNotFound {
		t.Fatalf("unpublished: %d", w.Code)
	}
	if w := e.do(t, http.MethodPost, "/v1/incidents/"+inc.ID+"/publish", e.adminA, ""); w.Code != http.StatusOK {
		t.Fatalf("publish: %d %s", w.Code, w.Body)
	}
	w = e.do(t, http.MethodGet, "/v1/public/incidents/"+inc.ID, "", "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Mailbox closed.") || !strings.Contains(w.Body.String(), `"controller":"CIPO Cloud Software Inc"`) {
		t.Fatalf("public: %d %s", w.Code, w.Body)
	}

	w = e.do(t, http.MethodGet, "/v1/incidents/"+inc.ID+"/report", e.adminA, "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"people":1`) || !strings.Contains(w.Body.String(), "Art. 33(3)(a)") {
		t.Fatalf("report: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodPost, "/v1/incidents/"+inc.ID+"/regulator-notified", e.adminA, `{}`); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"regulator_notified_at"`) {
		t.Fatalf("regulator notified: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodGet, "/v1/incidents?status=notified", e.adminA, ""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), inc.ID) {
		t.Fatalf("list: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodPost, "/v1/incidents/"+inc.ID+"/close", e.adminA, ""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"status":"closed"`) {
		t.Fatalf("close: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodPost, "/v1/incidents/"+inc.ID+"/notify", e.adminA, ""); w.Code != http.StatusConflict {
		t.Fatalf("notify closed: %d %s", w.Code, w.Body)
	}
}
