package api_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/api"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// gatedStore holds its first read (the loader's) until released: a ledger
// that takes minutes to load, without the minutes. Later reads pass.
type gatedStore struct {
	privet.Store
	first   atomic.Bool
	entered chan struct{} // receives when the first read waits
	release chan struct{}
}

func (g *gatedStore) View(ctx context.Context, fn func(tx privet.Tx) error) error {
	if g.first.CompareAndSwap(false, true) {
		g.entered <- struct{}{}
		select {
		case <-g.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return g.Store.View(ctx, fn)
}

// A server whose consent memory is still loading serves everything else,
// refuses what needs the memory with 503 and a Retry-After (never an answer
// from a partial ledger), says it is not ready, and answers rightly once
// the load is done.
func TestConsentLoadingFailsClosed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v, err := e.vault.Create(ctx, tenancy.Operator(), e.tenantA, vault.CreateInput{
		Jurisdiction: "DE", Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "loading@example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	given := `{"subject_id":"` + v.ID + `","purpose":"marketing.communications.email","state":"given","source":"api"}`
	if w := e.do(t, "POST", "/v1/consents", e.adminA, given); w.Code != http.StatusCreated {
		t.Fatalf("record: %d %s", w.Code, w.Body)
	}

	// A restart: a new consent service over a ledger that loads slowly.
	svc := e.services
	gate := &gatedStore{Store: svc.Store, entered: make(chan struct{}), release: make(chan struct{})}
	cs := &consent.Service{Store: gate, Master: svc.Master, Policies: svc.Consent.Policies, Clock: svc.Consent.Clock}
	t.Cleanup(func() { cs.Close() })
	srv, err := api.New(api.Config{Store: svc.Store, Tenancy: svc.Tenancy, Vault: svc.Vault, Audit: svc.Audit, Consent: cs,
		Policy: svc.Policy, Policies: svc.Policies, Logger: slog.New(slog.NewJSONHandler(e.logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e.server = srv
	cs.LoadInBackground(ctx)
	<-gate.entered // the load is under way, and held

	decide := `{"subject_id":"` + v.ID + `","purpose":"marketing.communications.email"}`
	loading := []struct{ name, method, path, key, body string }{
		{"decision", "POST", "/v1/decisions", e.adminA, decide},
		{"batch", "POST", "/v1/decisions/batch", e.adminA, `{"purpose":"marketing.communications.email","subject_ids":["` + v.ID + `"]}`},
		{"consent write", "POST", "/v1/consents", e.adminA, strings.Replace(given, `"given"`, `"withdrawn"`, 1)},
		{"banner choice", "POST", "/v1/public/consents", "", `{"tenant":"` + e.tenantA + `","cookie_id":"visitor_abcdefghijklmnop","choices":{"analytics":true}}`},
	}
	for _, s := range loading {
		w := e.do(t, s.method, s.path, s.key, s.body)
		body := w.Body.String()
		if w.Code != http.StatusServiceUnavailable || !strings.Contains(body, `"code":"unavailable"`) ||
			!strings.Contains(body, "consent decisions are loading") || w.Header().Get("Retry-After") == "" {
			t.Errorf("%s while loading: %d Retry-After %q %s", s.name, w.Code, w.Header().Get("Retry-After"), body)
		}
		if strings.Contains(body, `"allowed"`) {
			t.Errorf("%s while loading answered from memory: %s", s.name, body)
		}
	}
	if w := e.do(t, "GET", "/readyz", "", ""); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "consent decisions are loading") {
		t.Errorf("readyz while loading: %d %s", w.Code, w.Body)
	}
	serving := []struct{ name, path string }{
		{"healthz", "/healthz"},
		{"vault read", "/v1/subjects/" + v.ID + "?purpose=essential.service"},
		{"consent history (read from the store)", "/v1/subjects/" + v.ID + "/consents"},
	}
	for _, s := range serving {
		if w := e.do(t, "GET", s.path, e.adminA, ""); w.Code != http.StatusOK {
			t.Errorf("%s while loading: %d %s", s.name, w.Code, w.Body)
		}
	}

	close(gate.release)
	if err := cs.Start(ctx); err != nil { // waits for the background load
		t.Fatal(err)
	}
	if w := e.do(t, "GET", "/readyz", "", ""); w.Code != http.StatusOK {
		t.Errorf("readyz after loading: %d %s", w.Code, w.Body)
	}
	w := e.do(t, "POST", "/v1/decisions", e.adminA, decide)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"allowed":true`) || !strings.Contains(w.Body.String(), `"reason":"consent_given"`) {
		t.Errorf("decision after loading: %d %s", w.Code, w.Body)
	}
}
