package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

func TestAuthorityAndProcessorRoutes(t *testing.T) {
	e := newEnv(t)
	v, err := e.vault.Create(context.Background(), tenancy.Operator(), e.tenantA, vault.CreateInput{
		Jurisdiction: "US", Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "court@example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	w := e.do(t, http.MethodPost, "/v1/authority-disclosures", e.adminA,
		`{"subject_id":"`+v.ID+`","recipient":"authorities","legal_basis":"warrant","categories":["user.name"],"gag":true}`)
	if w.Code != http.StatusCreated || !strings.Contains(w.Body.String(), `"notice":"withheld"`) {
		t.Fatalf("disclose: %d %s", w.Code, w.Body)
	}
	var d privet.AuthorityDisclosure
	if err := json.Unmarshal(w.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	if w := e.do(t, http.MethodPost, "/v1/authority-disclosures/"+d.ID+"/lift-gag", e.adminA, ""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"notice":"pending"`) {
		t.Errorf("lift gag: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodPost, "/v1/authority-disclosures", e.adminA,
		`{"subject_id":"`+v.ID+`","recipient":"infrastructure","legal_basis":"warrant","categories":["user.name"]}`); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("a processor as authority: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodGet, "/v1/subjects/"+v.ID+"/authority-disclosures", e.adminA, ""); w.Code != http.StatusOK || strings.Count(w.Body.String(), `"legal_basis":"warrant"`) != 1 {
		t.Errorf("list: %d %s", w.Code, w.Body)
	}

	w = e.do(t, http.MethodPost, "/v1/processor-ends", e.adminA, `{"recipient":"infrastructure","reference":"DPA-3","deletion_within":"14d"}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("end: %d %s", w.Code, w.Body)
	}
	var p struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if w := e.do(t, http.MethodGet, "/v1/processor-ends?outstanding=true", e.adminA, ""); !strings.Contains(w.Body.String(), p.ID) {
		t.Errorf("outstanding: %s", w.Body)
	}
	if w := e.do(t, http.MethodPost, "/v1/processor-ends/"+p.ID+"/confirm", e.adminA, ""); w.Code != http.StatusNoContent {
		t.Errorf("confirm: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodGet, "/v1/processor-ends?outstanding=true", e.adminA, ""); strings.Contains(w.Body.String(), p.ID) {
		t.Errorf("still outstanding: %s", w.Body)
	}
}
