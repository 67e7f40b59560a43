package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestResourceHistoryTenantIsolation: a tenant records actions only of its
// own subjects and reads only its own histories, whatever the resource id.
func TestResourceHistoryTenantIsolation(t *testing.T) {
	e := newEnv(t)
	w := e.do(t, "POST", "/v1/subjects", e.adminA, `{"jurisdiction":"US-NY","identities":[{"type":"email","value":"ada@example.com"}],
		"fields":[{"name":"name","category":"user.name","value":"Ada Lovelace"}]}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("create subject: %d %s", w.Code, w.Body)
	}
	var sub struct{ ID string }
	if err := json.Unmarshal(w.Body.Bytes(), &sub); err != nil {
		t.Fatal(err)
	}
	report := `{"subject_id":"` + sub.ID + `","action":"edit"}`
	if w := e.do(t, "POST", "/v1/resources/doc-1/events", e.adminA, report); w.Code != http.StatusCreated {
		t.Fatalf("record in A: %d %s", w.Code, w.Body)
	}
	// B cannot report A's subject, nor see A's history of doc-1.
	if w := e.do(t, "POST", "/v1/resources/doc-1/events", e.adminB, report); w.Code != http.StatusNotFound {
		t.Errorf("B recording A's subject = %d %s, want 404", w.Code, w.Body)
	}
	w = e.do(t, "GET", "/v1/resources/doc-1/history?purpose=essential.service.collaboration", e.adminB, "")
	if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), sub.ID) {
		t.Errorf("B's history of doc-1 = %d %s, want 404", w.Code, w.Body)
	}
	w = e.do(t, "GET", "/v1/resources/doc-1/history?purpose=essential.service.collaboration", e.adminA, "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Ada Lovelace") || !strings.Contains(w.Body.String(), `"action":"edit"`) {
		t.Errorf("A's history of doc-1 = %d %s", w.Code, w.Body)
	}
	// A vault:read key may do neither: reporting writes, the history is audit.
	if w := e.do(t, "POST", "/v1/resources/doc-1/events", e.readerA, report); w.Code != http.StatusForbidden {
		t.Errorf("vault:read key recording = %d, want 403", w.Code)
	}
	if w := e.do(t, "GET", "/v1/resources/doc-1/history?purpose=essential.service.collaboration", e.readerA, ""); w.Code != http.StatusForbidden {
		t.Errorf("vault:read key reading history = %d, want 403", w.Code)
	}
	// Bad input is a 422 naming the field.
	for _, tc := range []struct{ path, body, field string }{
		{"/v1/resources/ada@example.com/events", report, "id"},
		{"/v1/resources/doc-1/events", `{"subject_id":"` + sub.ID + `","action":"print"}`, "action"},
	} {
		w := e.do(t, "POST", tc.path, e.adminA, tc.body)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), tc.field) || strings.Contains(w.Body.String(), "ada@example.com") {
			t.Errorf("POST %s = %d %s, want 422 naming %s", tc.path, w.Code, w.Body, tc.field)
		}
	}
	if w := e.do(t, "GET", "/v1/resources/doc-1/history", e.adminA, ""); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "purpose") {
		t.Errorf("history without a purpose = %d %s, want 422 naming purpose", w.Code, w.Body)
	}
}
