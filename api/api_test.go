package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/api"
	"github.com/privet-dev/privet/audit"
	"github.com/privet-dev/privet/export"
	"github.com/privet-dev/privet/privettest"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// env is a server over a real SQLite store with two tenants, A and B.
type env struct {
	server  *api.Server
	tenancy *tenancy.Service
	vault   *vault.Service
	// services are everything behind the server.
	services *privettest.Services
	logs     *bytes.Buffer
	// packages serve the download route.
	packages *export.Packages
	tenantA  string
	tenantB  string
	adminA   string // secret of an admin key of A
	adminB   string // secret of an admin key of B
	readerA  string // secret of a vault:read key of A
}

func newEnv(t testing.TB) *env { return newEnvWith(t, "cipo-cloud") }

// newEnvWith serves the services of privettest over the example's policy.
func newEnvWith(t testing.TB, example string) *env {
	t.Helper()
	ctx := context.Background()
	svc := privettest.New(t, example)
	logs := &bytes.Buffer{}
	pkgs := &export.Packages{Store: svc.Store, Master: svc.Master, Clock: privet.SystemClock{}}
	srv, err := api.New(api.Config{
		Store: svc.Store, Tenancy: svc.Tenancy, Vault: svc.Vault, Audit: svc.Audit, Consent: svc.Consent, Policy: svc.Policy, Incidents: svc.Incidents,
		Requests:  svc.Requests,
		Packages:  pkgs,
		Transfers: svc.Transfers, Complaints: svc.Complaints, Disclosures: svc.Disclosures,
		Policies:     svc.Policies,
		Retention:    svc.Retention,
		Resources:    svc.Resources,
		Logger:       slog.New(slog.NewJSONHandler(logs, nil)),
		ReadyCheck:   svc.Store.(interface{ CheckSchema(context.Context) error }).CheckSchema,
		MaxBodyBytes: 4096,
	})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{server: srv, tenancy: svc.Tenancy, vault: svc.Vault, services: svc, logs: logs, packages: pkgs}
	e.tenantA, e.adminA = e.tenantWithKey(t, "A", privet.ScopeAdmin)
	e.tenantB, e.adminB = e.tenantWithKey(t, "B", privet.ScopeAdmin)
	_, e.readerA, err = svc.Tenancy.CreateAPIKey(ctx, tenancy.Operator(), e.tenantA, "reader", []privet.Scope{privet.ScopeVaultRead})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) tenantWithKey(t testing.TB, name string, scope privet.Scope) (tenantID, secret string) {
	t.Helper()
	ten, err := e.tenancy.CreateTenant(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err = e.tenancy.CreateAPIKey(context.Background(), tenancy.Operator(), ten.ID, "admin", []privet.Scope{scope})
	if err != nil {
		t.Fatal(err)
	}
	return ten.ID, secret
}

func (e *env) do(t testing.TB, method, path, secret, body string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	e.server.Handler().ServeHTTP(w, req)
	return w
}

// scenario is one request and what must come back.
type scenario struct {
	Name            string
	Method, Path    string
	Key             func(*env) string
	Body            string
	ExpectedStatus  int
	ExpectedContent []string // substrings of the body
	NotExpected     []string
}

func keyAdminA(e *env) string  { return e.adminA }
func keyReaderA(e *env) string { return e.readerA }

func TestScenarios(t *testing.T) {
	scenarios := []scenario{
		{Name: "healthz", Method: "GET", Path: "/healthz", ExpectedStatus: 200, ExpectedContent: []string{`"ok"`}},
		{Name: "readyz", Method: "GET", Path: "/readyz", ExpectedStatus: 200, ExpectedContent: []string{`"ready"`}},
		{Name: "openapi", Method: "GET", Path: "/openapi.json", ExpectedStatus: 200, ExpectedContent: []string{`"openapi":"3.1.0"`, `"/v1/keys/{id}"`}},
		{Name: "unknown route", Method: "GET", Path: "/v1/nothing", ExpectedStatus: 404},
		{Name: "tenant", Method: "GET", Path: "/v1/tenant", Key: keyReaderA, ExpectedStatus: 200, ExpectedContent: []string{`"name":"A"`}, NotExpected: []string{"signing"}},
		{Name: "bad scheme", Method: "GET", Path: "/v1/tenant", ExpectedStatus: 401, ExpectedContent: []string{`"code":"unauthorized"`}},
		{Name: "create key", Method: "POST", Path: "/v1/keys", Key: keyAdminA, Body: `{"name":"ci","scopes":["audit:read"]}`,
			ExpectedStatus: 201, ExpectedContent: []string{`"secret":"`, `"scopes":["audit:read"]`, `"name":"ci"`}, NotExpected: []string{"hash"}},
		{Name: "create key without scope", Method: "POST", Path: "/v1/keys", Key: keyReaderA, Body: `{"name":"ci","scopes":["admin"]}`,
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"forbidden"`}},
		{Name: "malformed JSON", Method: "POST", Path: "/v1/keys", Key: keyAdminA, Body: `{"name":`,
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"invalid"`, `"field":"body"`}},
		{Name: "wrong type", Method: "POST", Path: "/v1/keys", Key: keyAdminA, Body: `{"name":5,"scopes":["admin"]}`,
			ExpectedStatus: 422, ExpectedContent: []string{`"code":"invalid"`, `"field":"name"`}},
		{Name: "unknown field", Method: "POST", Path: "/v1/keys", Key: keyAdminA, Body: `{"name":"x","scopes":["admin"],"owner":"alice@example.com"}`,
			ExpectedStatus: 422, ExpectedContent: []string{`"code":"invalid"`, `"field":"owner"`}, NotExpected: []string{"alice@example.com"}},
		{Name: "missing field", Method: "POST", Path: "/v1/keys", Key: keyAdminA, Body: `{"name":"x"}`,
			ExpectedStatus: 422, ExpectedContent: []string{`"code":"invalid"`, `scopes`}},
		{Name: "unknown scope", Method: "POST", Path: "/v1/keys", Key: keyAdminA, Body: `{"name":"x","scopes":["root"]}`,
			ExpectedStatus: 422, ExpectedContent: []string{`"code":"invalid"`, `"field":"scopes[0]"`}},
		{Name: "control character in name", Method: "POST", Path: "/v1/keys", Key: keyAdminA, Body: `{"name":"a\u0000b","scopes":["admin"]}`,
			ExpectedStatus: 422, ExpectedContent: []string{`"code":"invalid"`, `"field":"name"`}},
		{Name: "body too large", Method: "POST", Path: "/v1/keys", Key: keyAdminA, Body: `{"name":"` + strings.Repeat("a", 5000) + `","scopes":["admin"]}`,
			ExpectedStatus: 413, ExpectedContent: []string{`"code":"too_large"`}},
		{Name: "revoke unknown key", Method: "DELETE", Path: "/v1/keys/key_nope", Key: keyAdminA, ExpectedStatus: 404, ExpectedContent: []string{`"code":"not_found"`}},
		{Name: "list keys", Method: "GET", Path: "/v1/keys", Key: keyAdminA, ExpectedStatus: 200, ExpectedContent: []string{`"keys":[`, `"name":"reader"`}},
	}
	e := newEnv(t)
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			secret := ""
			if sc.Key != nil {
				secret = sc.Key(e)
			}
			w := e.do(t, sc.Method, sc.Path, secret, sc.Body)
			body := w.Body.String()
			if w.Code != sc.ExpectedStatus {
				t.Fatalf("status = %d, want %d; body %s", w.Code, sc.ExpectedStatus, body)
			}
			for _, c := range sc.ExpectedContent {
				if !strings.Contains(body, c) {
					t.Errorf("body lacks %s: %s", c, body)
				}
			}
			for _, c := range sc.NotExpected {
				if strings.Contains(strings.ToLower(body), strings.ToLower(c)) {
					t.Errorf("body has %s: %s", c, body)
				}
			}
			if w.Code >= 400 {
				if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type = %q, want application/problem+json", ct)
				}
				var p api.Problem
				if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != w.Code || p.Code == "" || p.Title == "" || p.Type == "" {
					t.Errorf("not a problem document: %s", body)
				}
			}
			if w.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Error("security headers missing")
			}
		})
	}
}

func TestRevokedKeyIsUnauthorized(t *testing.T) {
	e := newEnv(t)
	w := e.do(t, "POST", "/v1/keys", e.adminA, `{"name":"temp","scopes":["admin"]}`)
	var created struct{ ID, Secret string }
	if err := json.Unmarshal(w.Body.Bytes(), &created); err != nil || created.Secret == "" {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, "DELETE", "/v1/keys/"+created.ID, e.adminA, ""); w.Code != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", w.Code, w.Body)
	}
	if w := e.do(t, "GET", "/v1/tenant", created.Secret, ""); w.Code != http.StatusUnauthorized {
		t.Fatalf("revoked key: %d %s", w.Code, w.Body)
	}
}

func TestRequestIDAndAccessLog(t *testing.T) {
	e := newEnv(t)
	w := e.do(t, "DELETE", "/v1/keys/key_secretish?email=alice@example.com", e.adminA, "", "X-Request-Id", "req-123")
	if w.Header().Get("X-Request-Id") != "req-123" {
		t.Errorf("request id not echoed: %q", w.Header().Get("X-Request-Id"))
	}
	if id := e.do(t, "GET", "/healthz", "", "").Header().Get("X-Request-Id"); !regexp.MustCompile(`^[0-9a-f]{24}$`).MatchString(id) {
		t.Errorf("generated request id = %q", id)
	}
	logs := e.logs.String()
	for _, want := range []string{`"route":"DELETE /v1/keys/{id}"`, `"status":404`, `"request_id":"req-123"`, `"tenant_id":"` + e.tenantA} {
		if !strings.Contains(logs, want) {
			t.Errorf("access log lacks %s:\n%s", want, logs)
		}
	}
	for _, leak := range []string{"alice", "key_secretish", e.adminA} {
		if strings.Contains(logs, leak) {
			t.Errorf("access log leaks %q", leak)
		}
	}
	metrics := e.do(t, "GET", "/metrics", "", "").Body.String()
	if !strings.Contains(metrics, `privet_http_requests_total{method="DELETE",route="DELETE /v1/keys/{id}",status="404"} 1`) {
		t.Errorf("metrics lack the route pattern:\n%s", metrics)
	}
	if strings.Contains(metrics, "key_secretish") {
		t.Error("metrics leak a path id")
	}
}

func TestReadyzFailsWhenStoreIsDown(t *testing.T) {
	e := newEnv(t)
	srv, err := api.New(api.Config{Store: e.tenancy.Store, Tenancy: e.tenancy, Vault: e.vault, Audit: &audit.Service{Store: e.tenancy.Store}, ReadyCheck: func(context.Context) error {
		return privet.Errorf(privet.EUNAVAILABLE, "schema outdated")
	}})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), `"code":"unavailable"`) {
		t.Fatalf("readyz = %d %s", w.Code, w.Body)
	}
}
