package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/api"
	"github.com/privet-dev/privet/client"
	"github.com/privet-dev/privet/privettest"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

const email = "marketing.communications.email"

// server is an in-process privet over SQLite with one tenant and its
// subjects, and the secrets of an admin and a vault:read key.
type server struct {
	url           string
	admin, reader string
	subjects      []string
}

func newServer(t *testing.T, subjects int) *server {
	t.Helper()
	ctx := context.Background()
	svc := privettest.New(t, "cipo-cloud")
	ten, vlt := svc.Tenancy, svc.Vault
	srv, err := api.New(api.Config{Store: svc.Store, Tenancy: ten, Vault: vlt, Audit: svc.Audit, Consent: svc.Consent, Policy: svc.Policy})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	s := &server{url: hs.URL}
	tenant, err := ten.CreateTenant(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	if _, s.admin, err = ten.CreateAPIKey(ctx, tenancy.Operator(), tenant.ID, "admin", []privet.Scope{privet.ScopeAdmin}); err != nil {
		t.Fatal(err)
	}
	if _, s.reader, err = ten.CreateAPIKey(ctx, tenancy.Operator(), tenant.ID, "reader", []privet.Scope{privet.ScopeVaultRead}); err != nil {
		t.Fatal(err)
	}
	for i := range subjects {
		v, err := vlt.Create(ctx, tenancy.Operator(), tenant.ID, vault.CreateInput{Jurisdiction: "DE",
			Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: fmt.Sprintf("person%d@example.com", i)}}})
		if err != nil {
			t.Fatal(err)
		}
		s.subjects = append(s.subjects, v.ID)
	}
	return s
}

func TestClient(t *testing.T) {
	s := newServer(t, 3)
	ctx := context.Background()
	c := client.New(s.url+"/", s.admin, client.WithBatchSize(2), client.WithHTTPClient(&http.Client{}))

	d, err := c.Decide(ctx, s.subjects[0], email)
	if err != nil || d.Allowed || d.Reason != client.ReasonNoConsent || d.Basis != "consent" {
		t.Fatalf("before consent: %+v, %v", d, err)
	}
	ev, err := c.Record(ctx, client.RecordInput{SubjectID: s.subjects[0], Purpose: email, State: privet.StateGiven,
		Source: privet.SourceAPI, IP: "203.0.113.9"})
	if err != nil || ev.ID == "" || ev.State != privet.StateGiven || ev.IP != "203.0.113.0" {
		t.Fatalf("record: %+v, %v", ev, err)
	}
	if d, err := c.Decide(ctx, s.subjects[0], email); err != nil || !d.Allowed || d.Reason != client.ReasonConsentGiven {
		t.Fatalf("after consent: %+v, %v", d, err)
	}

	// Five ids in batches of two: three requests, answers in order.
	ids := []string{s.subjects[1], s.subjects[0], "sub_missing", s.subjects[2], s.subjects[0]}
	ds, err := c.DecideBatch(ctx, email, ids)
	if err != nil || len(ds) != len(ids) {
		t.Fatalf("batch: %d decisions, %v", len(ds), err)
	}
	wantAllowed := []bool{false, true, false, false, true}
	for i, d := range ds {
		if d.SubjectID != ids[i] || d.Allowed != wantAllowed[i] {
			t.Errorf("batch[%d] = %+v, want %s allowed %v", i, d, ids[i], wantAllowed[i])
		}
	}
	if ds[2].Reason != client.ReasonNotFound {
		t.Errorf("missing subject: %+v", ds[2])
	}
	if ds, err := c.DecideBatch(ctx, email, nil); err != nil || len(ds) != 0 {
		t.Errorf("empty batch: %v, %v", ds, err)
	}

	cookie := "visitor_abcdefghijklmnop"
	if _, err := c.Record(ctx, client.RecordInput{CookieID: cookie, Purpose: email, State: privet.StateRefused, Source: privet.SourceBanner}); err != nil {
		t.Fatal(err)
	}
	if d, err := c.DecideVisitor(ctx, cookie, email, "DE"); err != nil || d.Reason != client.ReasonRefused {
		t.Fatalf("visitor: %+v, %v", d, err)
	}
}

func TestClientErrors(t *testing.T) {
	s := newServer(t, 1)
	ctx := context.Background()
	tests := []struct {
		name  string
		call  func(*client.Client) error
		key   string
		code  string
		field string
	}{
		{name: "unknown subject", key: s.admin, code: privet.ENOTFOUND,
			call: func(c *client.Client) error { _, err := c.Decide(ctx, "sub_missing", email); return err }},
		{name: "unknown purpose", key: s.admin, code: privet.EINVALID, field: "purpose",
			call: func(c *client.Client) error { _, err := c.Decide(ctx, s.subjects[0], "no.such"); return err }},
		{name: "no key", key: "", code: privet.EUNAUTHORIZED,
			call: func(c *client.Client) error { _, err := c.Decide(ctx, s.subjects[0], email); return err }},
		{name: "missing scope", key: s.reader, code: privet.EFORBIDDEN,
			call: func(c *client.Client) error {
				_, err := c.Record(ctx, client.RecordInput{SubjectID: s.subjects[0], Purpose: email, State: privet.StateGiven, Source: privet.SourceAPI})
				return err
			}},
		{name: "batch with an unknown purpose", key: s.admin, code: privet.EINVALID, field: "purpose",
			call: func(c *client.Client) error { _, err := c.DecideBatch(ctx, "no.such", s.subjects); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(client.New(s.url, tt.key))
			if privet.ErrorCode(err) != tt.code || privet.ErrorField(err) != tt.field {
				t.Fatalf("error %v: want %s on %q", err, tt.code, tt.field)
			}
		})
	}
}

func TestClientTransportErrors(t *testing.T) {
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html>bad gateway</html>"))
	}))
	defer proxy.Close()
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("not json"))
	}))
	defer garbage.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		name, url, code string
	}{
		{"a proxy's error page", proxy.URL, privet.EUNAVAILABLE},
		{"an answer that is not JSON", garbage.URL, privet.EINTERNAL},
		{"nobody listening", closed.URL, privet.EUNAVAILABLE},
		{"a base URL that does not parse", "http://[::1", privet.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client.New(tt.url, "pk").Decide(context.Background(), "sub_x", email)
			if privet.ErrorCode(err) != tt.code {
				t.Fatalf("error %v: want %s", err, tt.code)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := client.New(garbage.URL, "pk").Decide(ctx, "sub_x", email); err != context.Canceled {
		t.Fatalf("cancelled: %v", err)
	}
}
