package requests_test

import (
	"context"
	"sync"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/vault"
)

// TestConcurrentIntakeOnEveryEngine files the same request for one subject
// from many goroutines, and verifies a public request, on each engine:
// exactly one request exists and every caller gets it back.
func TestConcurrentIntakeOnEveryEngine(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newEnvOn(t, engine, "pypeserver")
			ctx := context.Background()
			sub := e.subject(t, "DE", "ada@example.com")
			ids := make([]string, 8)
			errs := make([]error, len(ids))
			var wg sync.WaitGroup
			for i := range ids {
				wg.Go(func() {
					f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "erasure", Confirmed: true})
					if errs[i] = err; err == nil {
						ids[i] = f.Request.ID
					}
				})
			}
			wg.Wait()
			for i := range ids {
				if errs[i] != nil || ids[i] != ids[0] {
					t.Fatalf("caller %d: %s, %v; want %s", i, ids[i], errs[i], ids[0])
				}
			}
			var n int
			if err := e.store.View(ctx, func(tx privet.Tx) (err error) {
				n, err = tx.CountRequests(ctx, e.tenant, privet.RequestFilter{SubjectID: sub})
				return err
			}); err != nil || n != 1 {
				t.Fatalf("%d requests, %v; want 1", n, err)
			}

			// A public request by the same person while the first is open
			// closes as its duplicate once verified. The first's jobs wait.
			held := e.store.take()
			r, token, code := e.public(t, requests.PublicInput{Type: "erasure", Jurisdiction: "DE",
				Identity: vault.IdentityInput{Type: privet.IdentityEmail, Value: "ada@example.com"}})
			got, err := e.svc.Verify(ctx, token, code)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != r.ID || got.Outcome != privet.OutcomeDuplicate || got.Status != privet.RequestCompleted {
				t.Errorf("duplicate public request: %+v", got)
			}
			e.store.mu.Lock()
			e.store.jobs = append(e.store.jobs, held...)
			e.store.mu.Unlock()
			e.drain(t)
			if n := e.sent.last(r.ID, requests.TemplateCompleted); n == nil || n.Vars["outcome"] != privet.OutcomeDuplicate {
				t.Errorf("the duplicate's requester was not told: %+v", n)
			}
			if first := e.get(t, ids[0]); first.Status != privet.RequestCompleted || first.Outcome != privet.OutcomeComplied {
				t.Errorf("first request: %s %s", first.Status, first.Outcome)
			}
		})
	}
}

// TestConcurrentChangesDoNotOverwrite extends one request from many
// goroutines at once, on each engine: a change reads, decides and writes the
// whole request, so exactly one extension may win, and the others must see
// it (ECONFLICT), not write over it.
func TestConcurrentChangesDoNotOverwrite(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newEnvOn(t, engine, "cipo-cloud")
			ctx := context.Background()
			sub := e.subject(t, "DE", "ada@example.com")
			f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "erasure"})
			if err != nil {
				t.Fatal(err)
			}
			errs := make([]error, 8)
			var wg sync.WaitGroup
			for i := range errs {
				wg.Go(func() { _, errs[i] = e.svc.Extend(ctx, e.actor, e.tenant, f.Request.ID, "complex") })
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch privet.ErrorCode(err) {
				case "":
					won++
				case privet.ECONFLICT:
				default:
					t.Fatalf("Extend: %v", err)
				}
			}
			if won != 1 {
				t.Errorf("%d extensions succeeded, want exactly 1", won)
			}
		})
	}
}
