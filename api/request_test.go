package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// codes is a Notifier that keeps the last code sent for each request.
type codes struct {
	mu   sync.Mutex
	last map[string]string
}

func (c *codes) Notify(_ context.Context, n requests.Notice) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if code := n.Vars["code"]; code != "" {
		c.last[n.RequestID] = code
	}
	return nil
}

func TestPublicRequestFlow(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sent := &codes{last: map[string]string{}}
	e.services.Requests.Notifier = sent
	if _, err := e.vault.Create(ctx, tenancy.Operator(), e.tenantA, vault.CreateInput{Jurisdiction: "DE",
		Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "ada@example.com"}}}); err != nil {
		t.Fatal(err)
	}
	file := func(email string) (int, map[string]any) {
		w := e.do(t, "POST", "/v1/public/requests", "", `{"tenant":"`+e.tenantA+`","type":"access","jurisdiction":"DE","identity":{"type":"email","value":"`+email+`"}}`)
		var body map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &body)
		return w.Code, body
	}
	codeK, known := file("ada@example.com")
	codeU, unknown := file("nobody@example.com")
	if codeK != http.StatusAccepted || codeU != http.StatusAccepted {
		t.Fatalf("statuses %d %d", codeK, codeU)
	}
	if len(known) != len(unknown) || known["status"] != unknown["status"] {
		t.Errorf("the answers differ: %v %v", known, unknown)
	}
	token, id := known["status_token"].(string), known["id"].(string)
	tampered := "A" + token[1:]
	if token[0] == 'A' {
		tampered = "B" + token[1:]
	}

	// Wrong, malformed and tampered input: clear errors, nothing revealed.
	for _, tc := range []struct {
		body   string
		status int
	}{
		{`{"token":"` + token + `","code":"12"}`, 422},
		{`{"token":"` + tampered + `","code":"123456"}`, 404},
	} {
		if w := e.do(t, "POST", "/v1/public/requests/verify", "", tc.body); w.Code != tc.status || strings.Contains(w.Body.String(), "ada") {
			t.Errorf("%s: %d %s", tc.body, w.Code, w.Body)
		}
	}
	if w := e.do(t, "GET", "/v1/public/requests/status/not-a-token", "", ""); w.Code != 404 {
		t.Errorf("tampered status link: %d", w.Code)
	}
	if w := e.do(t, "POST", "/v1/public/requests", "", `{"tenant":"`+e.tenantA+`","type":"teleport","jurisdiction":"DE","identity":{"type":"email","value":"a@example.com"}}`); w.Code != 422 || !strings.Contains(w.Body.String(), "access") {
		t.Errorf("unknown type: %d %s", w.Code, w.Body)
	}

	// The worker sends the code; the person enters it.
	if err := e.services.Requests.SendNotice(ctx, requests.NotifyJob{TenantID: e.tenantA, RequestID: id, Template: requests.TemplateVerify}); err != nil {
		t.Fatal(err)
	}
	w := e.do(t, "POST", "/v1/public/requests/verify", "", `{"token":"`+token+`","code":"`+sent.last[id]+`"}`)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"status":"in_progress"`) {
		t.Fatalf("verify: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, "GET", "/v1/public/requests/status/"+token, "", ""); w.Code != 200 || strings.Contains(w.Body.String(), "subject") {
		t.Errorf("status: %d %s", w.Code, w.Body)
	}

	// The privacy team sees it by due date; another tenant does not.
	w = e.do(t, "GET", "/v1/requests?open=true", e.adminA, "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), id) || strings.Contains(w.Body.String(), "example.com") {
		t.Errorf("list: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, "GET", "/v1/requests/"+id, e.adminB, ""); w.Code != 404 {
		t.Errorf("tenant B: %d", w.Code)
	}
	if w := e.do(t, "GET", "/metrics", "", ""); !strings.Contains(w.Body.String(), `privet_requests_due_soon{type="access"} 0`) ||
		!strings.Contains(w.Body.String(), `privet_requests_overdue{type="erasure"} 0`) {
		t.Errorf("metrics lack the due-soon gauge:\n%s", w.Body)
	}
	w = e.do(t, "GET", "/v1/requests/report?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&format=csv", e.adminA, "")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") || !strings.Contains(w.Body.String(), "access,2,") {
		t.Errorf("report: %d %q %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
}

func TestPublicRequestsLimitedPerIdentity(t *testing.T) {
	e := newEnv(t)
	body := `{"tenant":"` + e.tenantA + `","type":"access","jurisdiction":"DE","identity":{"type":"email","value":"target@example.com"}}`
	for i := range 5 {
		if w := e.do(t, "POST", "/v1/public/requests", "", body); w.Code != http.StatusAccepted {
			t.Fatalf("request %d: %d %s", i+1, w.Code, w.Body)
		}
	}
	if w := e.do(t, "POST", "/v1/public/requests", "", body); w.Code != http.StatusTooManyRequests {
		t.Errorf("sixth request for one identity: %d, want 429", w.Code)
	}
	other := strings.Replace(body, "target@", "other@", 1)
	if w := e.do(t, "POST", "/v1/public/requests", "", other); w.Code != http.StatusAccepted {
		t.Errorf("another identity: %d", w.Code)
	}
}

func TestCreateRequestReturnsTheOpenOne(t *testing.T) {
	e := newEnv(t)
	v, err := e.vault.Create(context.Background(), tenancy.Operator(), e.tenantA, vault.CreateInput{Jurisdiction: "DE",
		Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "ada@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"subject_id":"` + v.ID + `","type":"erasure"}`
	w1 := e.do(t, "POST", "/v1/requests", e.adminA, body)
	w2 := e.do(t, "POST", "/v1/requests", e.adminA, body)
	var r1, r2 struct {
		Request struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"request"`
	}
	_ = json.Unmarshal(w1.Body.Bytes(), &r1)
	_ = json.Unmarshal(w2.Body.Bytes(), &r2)
	if w1.Code != 201 || r1.Request.ID == "" || r1.Request.ID != r2.Request.ID || r1.Request.Status != "awaiting_approval" {
		t.Fatalf("%d %s / %d %s", w1.Code, w1.Body, w2.Code, w2.Body)
	}
	if w := e.do(t, "POST", "/v1/requests/"+r1.Request.ID+"/deny", e.adminA, `{}`); w.Code != 422 || !strings.Contains(w.Body.String(), `"field":"reason"`) {
		t.Errorf("deny without reason: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, "POST", "/v1/requests/"+r1.Request.ID+"/deny", e.adminA, `{"reason":"excessive"}`); w.Code != 200 || !strings.Contains(w.Body.String(), `"status":"denied"`) {
		t.Errorf("deny: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, "POST", "/v1/requests", e.adminA, `{"subject_id":"`+v.ID+`","type":"opt_out_sale"}`); w.Code != 422 || !strings.Contains(w.Body.String(), "available") {
		t.Errorf("unavailable type: %d %s", w.Code, w.Body)
	}
}
