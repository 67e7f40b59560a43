package audit_test

import (
	"context"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/audit"
)

// prune announces and performs the deletion of events 1..through (a signed
// checkpoint), deleting at most limit events, as a retention sweep does.
func (e *env) prune(t *testing.T, through int64, limit int, announce bool) {
	t.Helper()
	ctx := context.Background()
	err := e.store.Update(ctx, func(tx privet.Tx) error {
		if announce {
			ev := audit.PruneActor.Event(e.tenant.ID, audit.PruneAction, e.clock.Now())
			ev.Reason = audit.PruneReason(1, through, "audit_log")
			if err := tx.AppendAudit(ctx, ev); err != nil {
				return err
			}
		}
		_, err := tx.DeleteAuditThrough(ctx, e.tenant.ID, through, limit)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) verify(t *testing.T) *audit.Report {
	t.Helper()
	r, err := e.audit.Verify(context.Background(), e.tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestVerifyPrunedChain: a prefix deleted up to a signed checkpoint, with the
// prune announced in the chain, verifies, also while the deletion is under
// way; deleted without the announcement, or past it, it does not.
func TestVerifyPrunedChain(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T) *env {
		e := newEnv(t, 10)
		if _, err := e.audit.Checkpoint(ctx, e.tenant.ID); err != nil { // the anchor, at 10
			t.Fatal(err)
		}
		e.append(t, 5)
		return e
	}

	t.Run("announced, whole", func(t *testing.T) {
		e := setup(t)
		e.prune(t, 10, 1000, true)
		r := e.verify(t)
		if !r.OK || r.FirstSeq != 11 || r.Events != 6 {
			t.Fatalf("report = %+v, want OK from event 11", r)
		}
		var cps []*privet.Checkpoint
		if err := e.store.View(ctx, func(tx privet.Tx) (err error) { cps, err = tx.Checkpoints(ctx, e.tenant.ID); return err }); err != nil {
			t.Fatal(err)
		}
		if len(cps) != 1 || cps[0].Seq != 10 {
			t.Fatalf("checkpoints = %+v, want the anchor at 10 only", cps)
		}
	})
	t.Run("announced, cut short", func(t *testing.T) {
		e := setup(t)
		e.prune(t, 10, 4, true)
		if r := e.verify(t); !r.OK || r.FirstSeq != 5 {
			t.Fatalf("report = %+v, want OK from event 5", r)
		}
		e.prune(t, 10, 1000, false) // the next sweep finishes it
		if r := e.verify(t); !r.OK || r.FirstSeq != 11 {
			t.Fatalf("report = %+v, want OK from event 11", r)
		}
	})
	t.Run("not announced", func(t *testing.T) {
		e := setup(t)
		e.prune(t, 10, 1000, false)
		if r := e.verify(t); r.OK || r.FirstBadSeq != 1 {
			t.Fatalf("report = %+v, want a failure at event 1", r)
		}
	})
	t.Run("past the announced range", func(t *testing.T) {
		e := setup(t)
		e.prune(t, 10, 1000, true)
		e.exec(t, `DELETE FROM audit_events WHERE seq <= 12`)
		if r := e.verify(t); r.OK || r.FirstBadSeq != 1 {
			t.Fatalf("report = %+v, want a failure at event 1", r)
		}
	})
	t.Run("announced up to an unsigned position", func(t *testing.T) {
		e := setup(t)
		e.prune(t, 12, 1000, true) // no checkpoint at 12
		if r := e.verify(t); r.OK {
			t.Fatalf("report = %+v, want a failure", r)
		}
	})
	t.Run("anchor edited", func(t *testing.T) {
		e := setup(t)
		e.prune(t, 10, 1000, true)
		e.exec(t, `UPDATE audit_events SET prev_hash = hash WHERE seq = 11`)
		if r := e.verify(t); r.OK || r.FirstBadSeq != 11 {
			t.Fatalf("report = %+v, want a failure at event 11", r)
		}
	})
}

// FuzzParsePruneReason: whatever the input, parsing never panics, and what
// it accepts is exactly what PruneReason writes.
func FuzzParsePruneReason(f *testing.F) {
	f.Add(audit.PruneReason(1, 4711, "audit_log"))
	f.Add("events 3-2 deleted up to signed checkpoint 2; rule x")
	f.Add("events 1-9 deleted up to signed checkpoint 8; rule x")
	f.Add("events -1-9")
	f.Fuzz(func(t *testing.T, s string) {
		from, through, ok := audit.ParsePruneReason(s)
		if !ok {
			return
		}
		if from < 1 || through < from {
			t.Fatalf("accepted range %d-%d from %q", from, through, s)
		}
		_, rule, _ := strings.Cut(s, "; rule ")
		if audit.PruneReason(from, through, rule) != s {
			t.Fatalf("%q parsed as %d-%d but PruneReason writes %q", s, from, through, audit.PruneReason(from, through, rule))
		}
	})
}
