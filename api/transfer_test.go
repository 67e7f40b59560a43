package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/transfer"
	"github.com/privet-dev/privet/vault"
)

func TestTransferCheckRoutes(t *testing.T) {
	e := newEnv(t)
	v, err := e.vault.Create(context.Background(), tenancy.Operator(), e.tenantA, vault.CreateInput{
		Jurisdiction: "DE", Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "transfer@example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		body    string
		status  int
		allowed bool
		reason  string
	}{
		{"allowed", `{"subject_id":"` + v.ID + `","recipient":"infrastructure","purpose":"essential.service","categories":["user.name"]}`,
			http.StatusOK, true, transfer.ReasonAllowed},
		{"derogation for an EU subject", `{"subject_id":"` + v.ID + `","recipient":"enterprise_customer","purpose":"essential.service","categories":["user.account"]}`,
			http.StatusOK, false, transfer.ReasonMechanismNotAccepted},
		{"no categories", `{"subject_id":"` + v.ID + `","recipient":"infrastructure","purpose":"essential.service","categories":[]}`,
			http.StatusUnprocessableEntity, false, ""},
		{"unknown subject", `{"subject_id":"sub_nope","recipient":"infrastructure","purpose":"essential.service","categories":["user.name"]}`,
			http.StatusNotFound, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do(t, http.MethodPost, "/v1/transfers/check", e.readerA, tt.body)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if tt.status != http.StatusOK {
				return
			}
			var d transfer.CheckResult
			if err := json.Unmarshal(w.Body.Bytes(), &d); err != nil {
				t.Fatal(err)
			}
			if d.Allowed != tt.allowed || d.Reason != tt.reason {
				t.Errorf("got %+v", d)
			}
		})
	}
	w := e.do(t, http.MethodGet, "/v1/subjects/"+v.ID+"/disclosures", e.adminA, "")
	if w.Code != http.StatusOK || strings.Count(w.Body.String(), `"recipient":`) != 1 || !strings.Contains(w.Body.String(), `"recipient":"infrastructure"`) {
		t.Errorf("disclosures: %d %s", w.Code, w.Body)
	}
	w = e.do(t, http.MethodGet, "/v1/subjects/"+v.ID+"/disclosures/report?kind=last_12_months", e.adminA, "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"recipient":"infrastructure"`) {
		t.Errorf("report: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodGet, "/v1/subjects/"+v.ID+"/disclosures/report?kind=weekly", e.adminA, ""); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("unknown kind: %d", w.Code)
	}
}

func TestComplaintRoutes(t *testing.T) {
	e := newEnv(t)
	w := e.do(t, http.MethodPost, "/v1/complaints", e.adminA, `{"channel":"email","reference":"ZD-7","jurisdiction":"DE"}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	var c struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		DueAt  string `json:"due_at"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &c); err != nil || c.Status != "open" || c.DueAt == "" {
		t.Fatalf("created %s: %v", w.Body, err)
	}
	if w := e.do(t, http.MethodPost, "/v1/complaints", e.adminA, `{"channel":"email","reference":"they sold my data"}`); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "reference") {
		t.Errorf("text as reference: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodPost, "/v1/complaints/"+c.ID+"/answer", e.adminA, ""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"status":"answered"`) {
		t.Errorf("answer: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodPost, "/v1/complaints/"+c.ID+"/answer", e.adminA, ""); w.Code != http.StatusConflict {
		t.Errorf("answer twice: %d", w.Code)
	}
	w = e.do(t, http.MethodGet, "/v1/complaints", e.adminA, "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"counts":{"open":0,"escalated":0,"answered":1,"overdue":0}`) {
		t.Errorf("list: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodGet, "/v1/complaints", e.adminB, ""); !strings.Contains(w.Body.String(), `"complaints":[]`) {
		t.Errorf("tenant B lists: %s", w.Body)
	}
}
