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

func (e *env) newSubject(t *testing.T) string {
	t.Helper()
	v, err := e.vault.Create(context.Background(), tenancy.Operator(), e.tenantA, vault.CreateInput{
		Jurisdiction: "DE",
		Identities:   []vault.IdentityInput{{Type: privet.IdentityEmail, Value: privet.NewID("r") + "@example.com"}},
		Fields:       []vault.FieldInput{{Name: "name", Category: "user.name", Value: "Ada"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

func TestHoldsAndPlanThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	id := e.newSubject(t)

	// A hold without a reason is refused, naming the field; nothing is written.
	w := e.do(t, http.MethodPost, "/v1/holds", e.adminA, `{"subject_id":"`+id+`","reason":" "}`)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `"field":"reason"`) {
		t.Fatalf("hold without reason: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodPost, "/v1/holds", e.adminA, `{"subject_id":"sub_nope","reason":"case 7"}`); w.Code != http.StatusNotFound {
		t.Fatalf("hold on an unknown subject: %d %s", w.Code, w.Body)
	}
	w = e.do(t, http.MethodPost, "/v1/holds", e.adminA, `{"subject_id":"`+id+`","reason":"case 7"}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("create hold: %d %s", w.Code, w.Body)
	}
	var h struct{ ID, Reason string }
	if err := json.Unmarshal(w.Body.Bytes(), &h); err != nil || h.Reason != "case 7" {
		t.Fatalf("hold = %s", w.Body)
	}

	// Closing schedules deletion: the plan shows it, held.
	if w := e.do(t, http.MethodPost, "/v1/subjects/"+id+"/close", e.adminA, ""); w.Code != http.StatusNoContent {
		t.Fatalf("close: %d %s", w.Code, w.Body)
	}
	w = e.do(t, http.MethodGet, "/v1/retention/plan", e.adminA, "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"subject_id":"`+id+`"`) ||
		!strings.Contains(w.Body.String(), `"rule":"account_data"`) || !strings.Contains(w.Body.String(), `"hold_id":"`+h.ID+`"`) {
		t.Fatalf("plan: %d %s", w.Code, w.Body)
	}
	// Privet's own records under the policy's rules, counted now.
	for _, want := range []string{`"record":"audit_events","action":"delete"`, `"record":"export_packages"`, `"record":"closed_requests","action":"anonymize"`} {
		if !strings.Contains(w.Body.String(), want) {
			t.Fatalf("plan lacks %s: %s", want, w.Body)
		}
	}
	if w := e.do(t, http.MethodGet, "/v1/retention/plan", e.adminB, ""); strings.Contains(w.Body.String(), id) {
		t.Fatalf("tenant B sees tenant A's plan: %s", w.Body)
	}
	if w := e.do(t, http.MethodGet, "/v1/retention/plan?after=%21%21", e.adminA, ""); w.Code != http.StatusUnprocessableEntity && w.Code != http.StatusBadRequest {
		t.Fatalf("bad token: %d %s", w.Code, w.Body)
	}

	w = e.do(t, http.MethodGet, "/v1/holds?active=true", e.adminA, "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), h.ID) {
		t.Fatalf("list holds: %d %s", w.Code, w.Body)
	}
	w = e.do(t, http.MethodPost, "/v1/holds/"+h.ID+"/release", e.adminA, "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"released_at"`) {
		t.Fatalf("release: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodGet, "/v1/holds?active=true", e.adminA, ""); strings.Contains(w.Body.String(), h.ID) {
		t.Fatalf("released hold still active: %s", w.Body)
	}
}

func TestLifecycleEventsThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	child, known := e.newSubject(t), e.newSubject(t)
	w := e.do(t, http.MethodPost, "/v1/subjects/"+child+"/age", e.adminA, `{"age":9}`)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"action":"delete"`) {
		t.Fatalf("age learned: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodGet, "/v1/subjects/"+child+"?purpose=essential.service", e.adminA, ""); w.Code != http.StatusNotFound {
		t.Fatalf("the child is still readable: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodPost, "/v1/subjects/"+known+"/age", e.adminA, `{"age":-3}`); w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("negative age: %d %s", w.Code, w.Body)
	}
	w = e.do(t, http.MethodPost, "/v1/retention/relationship-ended", e.adminA, `{"subject_ids":["`+known+`","sub_nope"]}`)
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), `subject_ids[1]`) {
		t.Fatalf("relationship ended with an unknown subject: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodGet, "/v1/retention/plan", e.adminA, ""); strings.Contains(w.Body.String(), known) {
		t.Fatalf("a refused event scheduled something: %s", w.Body)
	}
	if w := e.do(t, http.MethodPost, "/v1/retention/relationship-ended", e.adminA, `{"subject_ids":["`+known+`"]}`); w.Code != http.StatusNoContent {
		t.Fatalf("relationship ended: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, http.MethodGet, "/v1/retention/plan", e.adminA, ""); !strings.Contains(w.Body.String(), `"rule":"billing_records"`) {
		t.Fatalf("plan after relationship ended: %s", w.Body)
	}
}
