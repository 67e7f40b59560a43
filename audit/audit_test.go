package audit_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/audit"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/sqlite"
)

type env struct {
	store  *sqlite.Store
	audit  *audit.Service
	clock  *privet.ManualClock
	tenant *privet.Tenant
}

// newEnv makes a store with one tenant and n audit events about subjects
// sub_1 … sub_n, one minute apart.
func newEnv(t *testing.T, n int) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "privet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := crypto.CreateMasterFile(filepath.Join(dir, "master.json")); err != nil {
		t.Fatal(err)
	}
	master, err := crypto.OpenMasterFile(filepath.Join(dir, "master.json"))
	if err != nil {
		t.Fatal(err)
	}
	clock := privet.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	tn := &privet.Tenant{ID: privet.NewID(privet.PrefixTenant), Name: "Acme", CreatedAt: clock.Now()}
	if tn.SigningKey, tn.SigningPublicKey, err = master.NewSigningKey(tn.ID); err != nil {
		t.Fatal(err)
	}
	e := &env{store: store, clock: clock, tenant: tn, audit: &audit.Service{Store: store, Master: master, Clock: clock}}
	if err := store.Update(ctx, func(tx privet.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
		t.Fatal(err)
	}
	e.append(t, n)
	return e
}

func (e *env) append(t *testing.T, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		e.clock.Advance(time.Minute)
		ev := privet.Actor{Type: privet.ActorAPIKey, ID: "key_a"}.Event(e.tenant.ID, "subject.read", e.clock.Now())
		ev.SubjectID = fmt.Sprintf("sub_%d", i+1)
		ev.Purpose, ev.Categories = "essential.service", []string{"user.contact.email"}
		if err := e.store.Update(ctx, func(tx privet.Tx) error { return tx.AppendAudit(ctx, ev) }); err != nil {
			t.Fatal(err)
		}
	}
}

func (e *env) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := e.store.DB().Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyCleanChain(t *testing.T) {
	e := newEnv(t, 1500) // more than one page
	ctx := context.Background()
	if _, err := e.audit.Checkpoint(ctx, e.tenant.ID); err != nil {
		t.Fatal(err)
	}
	e.append(t, 3)
	r, err := e.audit.Verify(ctx, e.tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK || r.Events != 1503 || r.Checkpoints != 1 {
		t.Fatalf("report = %+v", r)
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func(t *testing.T, e *env)
		wantSeq int64
	}{
		{"edited purpose", func(t *testing.T, e *env) {
			e.exec(t, `UPDATE audit_events SET purpose = 'marketing' WHERE seq = 4`)
		}, 4},
		{"edited subject", func(t *testing.T, e *env) {
			e.exec(t, `UPDATE audit_events SET subject_id = 'sub_9' WHERE seq = 7`)
		}, 7},
		{"resource given to an event", func(t *testing.T, e *env) {
			e.exec(t, `UPDATE audit_events SET resource = 'doc-1' WHERE seq = 2`)
		}, 2},
		{"deleted event", func(t *testing.T, e *env) {
			e.exec(t, `DELETE FROM audit_events WHERE seq = 5`)
		}, 5},
		{"reordered events", func(t *testing.T, e *env) {
			e.exec(t, `UPDATE audit_events SET seq = -1 WHERE seq = 3`)
			e.exec(t, `UPDATE audit_events SET seq = 3 WHERE seq = 6`)
			e.exec(t, `UPDATE audit_events SET seq = 6 WHERE seq = -1`)
		}, 3},
		{"inserted event", func(t *testing.T, e *env) {
			// Shift events 6.. up by one and forge a new event 6 with a valid
			// hash of its own: the next event's link breaks.
			e.exec(t, `UPDATE audit_events SET seq = seq + 1000 WHERE seq >= 6`)
			e.exec(t, `UPDATE audit_events SET seq = seq - 999 WHERE seq >= 1000`)
			e.exec(t, `INSERT INTO audit_events SELECT tenant_id, 6, time, actor_type, actor_id, action, 'sub_x', categories, purpose, result, reason, prev_hash, hash, resource FROM audit_events WHERE seq = 7`)
		}, 6},
		{"truncated tail under a checkpoint", func(t *testing.T, e *env) {
			if _, err := e.audit.Checkpoint(context.Background(), e.tenant.ID); err != nil {
				t.Fatal(err)
			}
			e.exec(t, `DELETE FROM audit_events WHERE seq >= 9`)
			e.exec(t, `UPDATE audit_heads SET seq = 8`)
		}, 9},
		{"rewritten chain under a checkpoint", func(t *testing.T, e *env) {
			if _, err := e.audit.Checkpoint(context.Background(), e.tenant.ID); err != nil {
				t.Fatal(err)
			}
			// Replace the last event with a consistent forgery: its hash is
			// recomputed, so only the signed checkpoint can tell.
			evs, _ := e.audit.Events(context.Background(), e.tenant.ID, privet.AuditQuery{AfterSeq: 9})
			ev := evs[0]
			ev.Purpose = "forged"
			ev.Hash = ev.ComputeHash()
			e.exec(t, `UPDATE audit_events SET purpose = ?, hash = ? WHERE seq = 10`, ev.Purpose, ev.Hash)
		}, 10},
		{"forged checkpoint signature", func(t *testing.T, e *env) {
			if _, err := e.audit.Checkpoint(context.Background(), e.tenant.ID); err != nil {
				t.Fatal(err)
			}
			e.exec(t, `UPDATE audit_checkpoints SET seq = 4`)
		}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, 10)
			tt.tamper(t, e)
			r, err := e.audit.Verify(context.Background(), e.tenant.ID)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK || r.FirstBadSeq != tt.wantSeq {
				t.Fatalf("report = %+v, want first bad event %d", r, tt.wantSeq)
			}
		})
	}
}

func TestEventsQueries(t *testing.T) {
	e := newEnv(t, 10)
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		q    privet.AuditQuery
		want []int64
	}{
		{"by subject", privet.AuditQuery{SubjectID: "sub_3"}, []int64{3}},
		{"by actor, paged", privet.AuditQuery{ActorID: "key_a", AfterSeq: 7, Limit: 2}, []int64{8, 9}},
		{"by time range", privet.AuditQuery{Since: start.Add(4 * time.Minute), Until: start.Add(6 * time.Minute)}, []int64{4, 5}},
		{"unknown actor", privet.AuditQuery{ActorID: "key_b"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := e.audit.Events(ctx, e.tenant.ID, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, ev := range evs {
				got = append(got, ev.Seq)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("seqs = %v, want %v", got, tt.want)
			}
		})
	}
	_, err := e.audit.Events(ctx, e.tenant.ID, privet.AuditQuery{Limit: audit.MaxPage + 1})
	if privet.ErrorCode(err) != privet.EINVALID || !strings.Contains(privet.ErrorField(err), "limit") {
		t.Errorf("oversized page: %v", err)
	}
	// Another tenant sees none of it.
	evs, err := e.audit.Events(ctx, "ten_other", privet.AuditQuery{})
	if err != nil || len(evs) != 0 {
		t.Errorf("other tenant's query = %d events, %v", len(evs), err)
	}
}
