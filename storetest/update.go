package storetest

import (
	"context"
	"sync"
	"testing"

	"github.com/privet-dev/privet"
)

func testUpdateErrorRollsBack(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	for range 20 {
		failed, ok := newSubject(tn.ID), newSubject(tn.ID)
		var failErr, okErr error
		var wg sync.WaitGroup
		wg.Go(func() {
			failErr = st.Update(ctx, func(tx privet.Tx) error {
				if err := tx.CreateSubject(ctx, failed); err != nil {
					return err
				}
				if err := tx.AppendAudit(ctx, &privet.AuditEvent{TenantID: tn.ID, Time: now(), ActorType: privet.ActorSystem,
					Action: "subject.create", SubjectID: failed.ID, Result: privet.ResultOK}); err != nil {
					return err
				}
				return errSentinel
			})
		})
		wg.Go(func() {
			okErr = st.Update(ctx, func(tx privet.Tx) error { return tx.CreateSubject(ctx, ok) })
		})
		wg.Wait()
		if failErr != errSentinel {
			t.Fatalf("failing Update returned %v, want its own error", failErr)
		}
		if okErr != nil {
			t.Fatalf("concurrent Update: %v", okErr)
		}
		view(t, st, func(tx privet.Tx) error {
			_, err := tx.Subject(ctx, tn.ID, failed.ID)
			wantNotFound(t, err)
			_, err = tx.SubjectIDByIdentity(ctx, tn.ID, failed.Identities[0].Type, failed.Identities[0].Index)
			wantNotFound(t, err)
			if _, err := tx.Subject(ctx, tn.ID, ok.ID); err != nil {
				t.Fatalf("committed subject: %v", err)
			}
			return nil
		})
	}
	if evs := auditEvents(t, st, tn.ID, privet.AuditQuery{}); len(evs) != 0 {
		t.Errorf("%d audit events survived rolled-back updates", len(evs))
	}
}

func testUpdatePanic(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	s := newSubject(tn.ID)
	err := st.Update(ctx, func(tx privet.Tx) error {
		if err := tx.CreateSubject(ctx, s); err != nil {
			return err
		}
		panic("boom")
	})
	wantCode(t, err, privet.EINTERNAL)
	view(t, st, func(tx privet.Tx) error {
		_, err := tx.Subject(ctx, tn.ID, s.ID)
		wantNotFound(t, err)
		return nil
	})
	// The store still serves.
	createSubject(t, st, newSubject(tn.ID))
}

// testConcurrentUpdates is the bar: many writers at once, zero errors, and
// one gapless audit chain.
func testConcurrentUpdates(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	const workers, perWorker = 64, 8
	errs := make(chan error, workers*perWorker)
	ids := make(chan string, workers*perWorker)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range perWorker {
				s := newSubject(tn.ID)
				err := st.Update(ctx, func(tx privet.Tx) error {
					if err := tx.CreateSubject(ctx, s); err != nil {
						return err
					}
					return tx.AppendAudit(ctx, &privet.AuditEvent{TenantID: tn.ID, Time: now(), ActorType: privet.ActorAPIKey,
						ActorID: "key_load", Action: "subject.create", SubjectID: s.ID, Result: privet.ResultOK})
				})
				if err != nil {
					errs <- err
					continue
				}
				ids <- s.ID
			}
		})
	}
	wg.Wait()
	close(errs)
	close(ids)
	n := 0
	for err := range errs {
		if n++; n <= 3 {
			t.Errorf("concurrent Update: %v", err)
		}
	}
	if n > 0 {
		t.Fatalf("%d of %d concurrent updates failed, want 0", n, workers*perWorker)
	}
	view(t, st, func(tx privet.Tx) error {
		for id := range ids {
			if _, err := tx.Subject(ctx, tn.ID, id); err != nil {
				t.Fatalf("subject %s missing after commit: %v", id, err)
			}
		}
		return nil
	})
	evs := allEvents(t, st, tn.ID)
	if len(evs) != workers*perWorker {
		t.Fatalf("%d audit events, want %d", len(evs), workers*perWorker)
	}
	verifyChain(t, evs)
}

func testViewRejectsWrites(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	writes := []struct {
		name string
		fn   func(tx privet.Tx) error
	}{
		{"CreateTenant", func(tx privet.Tx) error {
			return tx.CreateTenant(ctx, &privet.Tenant{ID: privet.NewID(privet.PrefixTenant), Name: "x", CreatedAt: now()})
		}},
		{"CreateSubject", func(tx privet.Tx) error { return tx.CreateSubject(ctx, newSubject(tn.ID)) }},
		{"AppendAudit", func(tx privet.Tx) error {
			return tx.AppendAudit(ctx, &privet.AuditEvent{TenantID: tn.ID, Time: now(), ActorType: privet.ActorSystem, Action: "x", Result: privet.ResultOK})
		}},
		{"Enqueue", func(tx privet.Tx) error { return tx.Enqueue(ctx, testJob{N: 1}) }},
	}
	for _, tc := range writes {
		t.Run(tc.name, func(t *testing.T) {
			if err := st.View(ctx, tc.fn); err == nil {
				t.Fatal("write through View succeeded")
			}
		})
	}
	view(t, st, func(tx privet.Tx) error {
		all, err := tx.Tenants(ctx)
		if len(all) != 1 {
			t.Errorf("%d tenants after writes through View, want 1", len(all))
		}
		return err
	})
	if evs := auditEvents(t, st, tn.ID, privet.AuditQuery{}); len(evs) != 0 {
		t.Errorf("%d audit events written through View", len(evs))
	}
}

// testJob is a job of a kind no worker runs; the suite only counts it.
type testJob struct {
	N int `json:"n"`
}

func (testJob) Kind() string { return "storetest_job" }

func testEnqueue(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	jc, ok := st.(JobCounter)
	if !ok {
		t.Skip("store offers no JobCount hook")
	}
	ctx := context.Background()
	count := func() int {
		t.Helper()
		n, err := jc.JobCount(ctx, testJob{}.Kind())
		if err != nil {
			t.Fatalf("JobCount: %v", err)
		}
		return n
	}
	update(t, st, func(tx privet.Tx) error { return tx.Enqueue(ctx, testJob{N: 1}) })
	if n := count(); n != 1 {
		t.Fatalf("after a committed enqueue: %d jobs, want 1", n)
	}
	err := st.Update(ctx, func(tx privet.Tx) error {
		if err := tx.Enqueue(ctx, testJob{N: 2}); err != nil {
			return err
		}
		return errSentinel
	})
	if err != errSentinel {
		t.Fatalf("Update = %v, want the fn's error", err)
	}
	if n := count(); n != 1 {
		t.Fatalf("after a rolled-back enqueue: %d jobs, want 1", n)
	}
}

// testBatchedFailures runs many Updates at once, so that they share
// transactions where the store groups them: a third fail after writing and
// appending an audit event, a third fail after only appending one (no
// statement of their own), the rest succeed. Each failure must undo exactly
// its own writes and events; the others commit, with one gapless chain.
func testBatchedFailures(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	const n = 96
	subjects := make([]*privet.Subject, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		subjects[i] = newSubject(tn.ID)
		wg.Go(func() {
			s := subjects[i]
			errs[i] = st.Update(ctx, func(tx privet.Tx) error {
				if i%3 != 1 {
					if err := tx.CreateSubject(ctx, s); err != nil {
						return err
					}
				}
				if err := tx.AppendAudit(ctx, &privet.AuditEvent{TenantID: tn.ID, Time: now(), ActorType: privet.ActorSystem,
					Action: "subject.create", SubjectID: s.ID, Result: privet.ResultOK}); err != nil {
					return err
				}
				if i%3 != 2 {
					return errSentinel
				}
				return nil
			})
		})
	}
	wg.Wait()
	committed := map[string]bool{}
	for i, err := range errs {
		switch {
		case i%3 == 2 && err != nil:
			t.Fatalf("update %d: %v", i, err)
		case i%3 != 2 && err != errSentinel:
			t.Fatalf("failing update %d returned %v, want its own error", i, err)
		case i%3 == 2:
			committed[subjects[i].ID] = true
		}
	}
	view(t, st, func(tx privet.Tx) error {
		for _, s := range subjects {
			_, err := tx.Subject(ctx, tn.ID, s.ID)
			if committed[s.ID] && err != nil {
				t.Fatalf("committed subject: %v", err)
			}
			if !committed[s.ID] {
				wantNotFound(t, err)
			}
		}
		return nil
	})
	evs := allEvents(t, st, tn.ID)
	verifyChain(t, evs)
	if len(evs) != len(committed) {
		t.Fatalf("%d audit events, want %d (one per committed update)", len(evs), len(committed))
	}
	for _, e := range evs {
		if !committed[e.SubjectID] {
			t.Fatalf("event of a failed update survived")
		}
	}
}
