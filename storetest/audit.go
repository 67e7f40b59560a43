package storetest

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/privet-dev/privet"
)

func auditEvents(t testing.TB, st privet.Store, tenantID string, q privet.AuditQuery) []*privet.AuditEvent {
	t.Helper()
	var evs []*privet.AuditEvent
	view(t, st, func(tx privet.Tx) (err error) {
		evs, err = tx.AuditEvents(context.Background(), tenantID, q)
		return err
	})
	return evs
}

// verifyChain fails unless evs are the whole chain: seqs 1..n, each hash
// recomputes and links to the previous one.
func verifyChain(t testing.TB, evs []*privet.AuditEvent) {
	t.Helper()
	var prev []byte
	for i, e := range evs {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d: chain has a gap", i, e.Seq)
		}
		if !bytes.Equal(e.PrevHash, prev) {
			t.Fatalf("event %d: PrevHash does not link to the previous hash", e.Seq)
		}
		if !bytes.Equal(e.ComputeHash(), e.Hash) {
			t.Fatalf("event %d: stored hash does not recompute", e.Seq)
		}
		prev = e.Hash
	}
}

func allEvents(t testing.TB, st privet.Store, tenantID string) []*privet.AuditEvent {
	var all []*privet.AuditEvent
	for after := int64(0); ; {
		page := auditEvents(t, st, tenantID, privet.AuditQuery{AfterSeq: after, Limit: 1000})
		all = append(all, page...)
		if len(page) < 1000 {
			return all
		}
		after = page[len(page)-1].Seq
	}
}

func testAuditChain(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	var appended []*privet.AuditEvent
	update(t, st, func(tx privet.Tx) error {
		for i := range 5 {
			for _, tenantID := range []string{tn.ID, other.ID} {
				e := &privet.AuditEvent{TenantID: tenantID, Time: time.Now().Add(time.Duration(i) * time.Second),
					ActorType: privet.ActorAPIKey, ActorID: "key_1", Action: "subject.read", SubjectID: "sub_1",
					Categories: []string{"user.contact.email", "user.name"}, Purpose: "service", Result: privet.ResultOK, Reason: "x"}
				if err := tx.AppendAudit(ctx, e); err != nil {
					return err
				}
				if tenantID == tn.ID {
					appended = append(appended, e)
				}
			}
		}
		return nil
	})
	for i, e := range appended {
		if e.Seq != int64(i+1) || !bytes.Equal(e.Hash, e.ComputeHash()) {
			t.Fatalf("appended event %d: seq %d, hash set %v", i, e.Seq, e.Hash != nil)
		}
	}
	got := allEvents(t, st, tn.ID)
	verifyChain(t, got)
	if !reflect.DeepEqual(got, appended) {
		t.Errorf("stored events differ from appended:\n%+v\nwant\n%+v", got[0], appended[0])
	}
	verifyChain(t, allEvents(t, st, other.ID))

	// A failed append leaves no gap: the next event takes the same seq.
	err := st.Update(ctx, func(tx privet.Tx) error {
		if err := tx.AppendAudit(ctx, &privet.AuditEvent{TenantID: tn.ID, Time: now(), ActorType: privet.ActorSystem, Action: "x", Result: privet.ResultOK}); err != nil {
			return err
		}
		return errSentinel
	})
	wantCode(t, err, privet.EINVALID)
	update(t, st, func(tx privet.Tx) error {
		return tx.AppendAudit(ctx, &privet.AuditEvent{TenantID: tn.ID, Time: now(), ActorType: privet.ActorSystem, Action: "y", Result: privet.ResultOK})
	})
	all := allEvents(t, st, tn.ID)
	verifyChain(t, all)
	if len(all) != 6 || all[5].Action != "y" {
		t.Errorf("after a rolled-back append: %d events, want 6 ending with y", len(all))
	}

	testAuditRollbacks(t, st, tn.ID, other.ID)
	all = allEvents(t, st, tn.ID)

	// The head is the last event; a tenant without events has none.
	empty := newTenant(t, st)
	view(t, st, func(tx privet.Tx) error {
		last := all[len(all)-1]
		seq, hash, err := tx.AuditHead(ctx, tn.ID)
		if err != nil || seq != last.Seq || !bytes.Equal(hash, last.Hash) {
			t.Errorf("AuditHead = %d, %x, %v; want %d, %x", seq, hash, err, last.Seq, last.Hash)
		}
		_, _, err = tx.AuditHead(ctx, empty.ID)
		wantCode(t, err, privet.ENOTFOUND)
		return nil
	})
}

func testAuditQuery(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	base := now()
	update(t, st, func(tx privet.Tx) error {
		for i := range 30 {
			e := &privet.AuditEvent{TenantID: tn.ID, Time: base.Add(time.Duration(i) * time.Minute),
				ActorType: privet.ActorAPIKey, ActorID: []string{"key_a", "key_b"}[i%2],
				Action:    []string{"subject.read", "subject.update", "subject.create"}[i%3],
				SubjectID: []string{"sub_1", "sub_2", "sub_3", "sub_4", "sub_5"}[i%5], Result: privet.ResultOK}
			if i%4 == 0 {
				e.Resource = []string{"doc-1", "doc-2"}[i/4%2]
			}
			if err := tx.AppendAudit(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	seqs := func(evs []*privet.AuditEvent) []int64 {
		out := make([]int64, len(evs))
		for i, e := range evs {
			out[i] = e.Seq
		}
		return out
	}
	tests := []struct {
		name string
		q    privet.AuditQuery
		want []int64
	}{
		{"subject", privet.AuditQuery{SubjectID: "sub_2"}, []int64{2, 7, 12, 17, 22, 27}},
		{"actor", privet.AuditQuery{ActorID: "key_b", Limit: 4}, []int64{2, 4, 6, 8}},
		{"action", privet.AuditQuery{Action: "subject.create", AfterSeq: 20}, []int64{21, 24, 27, 30}},
		{"time range", privet.AuditQuery{Since: base.Add(10 * time.Minute), Until: base.Add(13 * time.Minute)}, []int64{11, 12, 13}},
		{"combined", privet.AuditQuery{SubjectID: "sub_1", ActorID: "key_a", Since: base.Add(time.Minute)}, []int64{11, 21}},
		{"page", privet.AuditQuery{AfterSeq: 5, Limit: 3}, []int64{6, 7, 8}},
		{"none", privet.AuditQuery{SubjectID: "sub_none"}, []int64{}},
		{"resource", privet.AuditQuery{Resource: "doc-1"}, []int64{1, 9, 17, 25}},
		{"resource page", privet.AuditQuery{Resource: "doc-2", AfterSeq: 5, Limit: 1}, []int64{13}},
		{"resource and subject", privet.AuditQuery{Resource: "doc-2", SubjectID: "sub_5"}, []int64{5}},
		{"resource of another id", privet.AuditQuery{Resource: "doc-1x"}, []int64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := seqs(auditEvents(t, st, tn.ID, tc.q))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("seqs = %v, want %v", got, tc.want)
			}
		})
	}
	got := auditEvents(t, st, tn.ID, privet.AuditQuery{})
	if len(got) != 30 || !got[0].Time.Equal(base) {
		t.Errorf("default query: %d events, first at %v; want 30 from %v", len(got), got[0].Time, base)
	}
	// The resource round-trips and is covered by the chain's hashes.
	if got[0].Resource != "doc-1" || got[1].Resource != "" {
		t.Errorf("resources read back = %q, %q; want doc-1 and none", got[0].Resource, got[1].Resource)
	}
	verifyChain(t, got)
	edited := *got[0]
	edited.Resource = "doc-2"
	if bytes.Equal(edited.ComputeHash(), got[0].Hash) {
		t.Error("changing an event's resource leaves its hash unchanged")
	}
}

func testCheckpoints(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	cps := []*privet.Checkpoint{
		{TenantID: tn.ID, Seq: 10, Hash: randomBytes(32), Time: now(), Signature: randomBytes(64)},
		{TenantID: tn.ID, Seq: 20, Hash: randomBytes(32), Time: now().Add(time.Hour), Signature: randomBytes(64)},
	}
	update(t, st, func(tx privet.Tx) error {
		for _, c := range []*privet.Checkpoint{cps[1], cps[0]} {
			if err := tx.PutCheckpoint(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	err := st.Update(ctx, func(tx privet.Tx) error { return tx.PutCheckpoint(ctx, cps[0]) })
	wantCode(t, err, privet.ECONFLICT)
	view(t, st, func(tx privet.Tx) error {
		got, err := tx.Checkpoints(ctx, tn.ID)
		if err != nil {
			t.Fatalf("Checkpoints: %v", err)
		}
		if !reflect.DeepEqual(got, cps) {
			t.Errorf("Checkpoints = %+v, want %+v in seq order", got, cps)
		}
		if got, _ := tx.Checkpoints(ctx, other.ID); len(got) != 0 {
			t.Errorf("Checkpoints(other) = %d, want 0", len(got))
		}
		return nil
	})
}

// testAuditRollbacks appends from many concurrent Updates (on SQLite they
// share the committer's transactions), a third of which fail after their
// append, and one whose batch append is rolled back by its savepoint while
// the Update goes on: the chain stays gapless and holds exactly the events
// of the Updates that succeeded, and a write transaction sees its own head.
func testAuditRollbacks(t *testing.T, st privet.Store, tenantID, otherID string) {
	ctx := context.Background()
	before := len(allEvents(t, st, tenantID))
	const n = 48
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- st.Update(ctx, func(tx privet.Tx) error {
				e := &privet.AuditEvent{TenantID: tenantID, Time: now(), ActorType: privet.ActorSystem, Action: "concurrent", Result: privet.ResultOK}
				if err := tx.AppendAudit(ctx, e); err != nil {
					return err
				}
				if seq, hash, err := tx.AuditHead(ctx, tenantID); err != nil || seq != e.Seq || !bytes.Equal(hash, e.Hash) {
					t.Errorf("AuditHead in the appending transaction = %d, %v; want %d", seq, err, e.Seq)
				}
				if i%3 == 0 {
					return errSentinel
				}
				return nil
			})
		}()
	}
	failed := 0
	for range n {
		if err := <-errs; err != nil {
			wantCode(t, err, privet.EINVALID)
			failed++
		}
	}
	if failed != n/3 {
		t.Fatalf("%d Updates failed, want %d", failed, n/3)
	}
	update(t, st, func(tx privet.Tx) error {
		// The second event belongs to another tenant: the batch fails after
		// inserting the first, and its savepoint takes that back.
		err := tx.AppendAudits(ctx, []*privet.AuditEvent{
			{TenantID: tenantID, Time: now(), ActorType: privet.ActorSystem, Action: "undone", Result: privet.ResultOK},
			{TenantID: otherID, Time: now(), ActorType: privet.ActorSystem, Action: "undone", Result: privet.ResultOK},
		})
		wantCode(t, err, privet.EINTERNAL)
		return tx.AppendAudit(ctx, &privet.AuditEvent{TenantID: tenantID, Time: now(), ActorType: privet.ActorSystem, Action: "after", Result: privet.ResultOK})
	})
	all := allEvents(t, st, tenantID)
	verifyChain(t, all)
	if got, want := len(all)-before, n-n/3+1; got != want {
		t.Fatalf("%d events appended, want %d", got, want)
	}
	for _, e := range all[before:] {
		if e.Action == "undone" {
			t.Fatalf("event %d of a rolled-back batch append was kept", e.Seq)
		}
	}
	if last := all[len(all)-1]; last.Action != "after" {
		t.Fatalf("last event is %q, want after", last.Action)
	}
}

// testAuditBatch appends batches of events of every size around the
// statement sizes an engine may use (one event, many at once, a remainder),
// after a single append: one unbroken chain, stored as appended.
func testAuditBatch(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	var appended []*privet.AuditEvent
	update(t, st, func(tx privet.Tx) error {
		e := &privet.AuditEvent{TenantID: tn.ID, Time: now(), ActorType: privet.ActorSystem, Action: "first", Result: privet.ResultOK}
		appended = append(appended, e)
		return tx.AppendAudit(ctx, e)
	})
	for _, n := range []int{1, 63, 64, 65, 200} {
		batch := make([]*privet.AuditEvent, n)
		for i := range batch {
			batch[i] = &privet.AuditEvent{TenantID: tn.ID, Time: now(), ActorType: privet.ActorSystem, ActorID: "retention",
				Action: "retention.delete", SubjectID: fmt.Sprintf("sub_%d_%d", n, i), Result: privet.ResultOK, Reason: "rule r"}
			if i%2 == 0 {
				batch[i].Categories = []string{"user.name"}
			}
		}
		update(t, st, func(tx privet.Tx) error { return tx.AppendAudits(ctx, batch) })
		appended = append(appended, batch...)
	}
	got := allEvents(t, st, tn.ID)
	verifyChain(t, got)
	if !reflect.DeepEqual(got, appended) {
		t.Fatalf("stored %d events, appended %d, or they differ", len(got), len(appended))
	}
}
