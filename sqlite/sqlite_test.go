package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/sqlite"
	"github.com/privet-dev/privet/storetest"
)

// open returns a migrated store and key store in files of a fresh temp dir.
func open(t testing.TB) (*sqlite.Store, *sqlite.KeyStore, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "privet.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if err := st.CheckSchema(ctx); err != nil {
		t.Fatalf("CheckSchema after Migrate: %v", err)
	}
	ks, err := sqlite.OpenKeyStore(ctx, filepath.Join(dir, "keys.db"))
	if err != nil {
		t.Fatalf("OpenKeyStore: %v", err)
	}
	t.Cleanup(func() { ks.Close() })
	if err := ks.Migrate(ctx); err != nil {
		t.Fatalf("KeyStore.Migrate: %v", err)
	}
	if err := ks.CheckSchema(ctx); err != nil {
		t.Fatalf("KeyStore.CheckSchema: %v", err)
	}
	return st, ks, dir
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (privet.Store, privet.DataKeyStore) {
		st, ks, _ := open(t)
		return st, ks
	})
}

func newTenant() *privet.Tenant {
	return &privet.Tenant{ID: privet.NewID(privet.PrefixTenant), Name: "Acme"}
}

// TestDurability checks that an acknowledged Update is in the file: another
// process, opening the same path while the store is still open, sees it.
func TestDurability(t *testing.T) {
	ctx := context.Background()
	st, _, dir := open(t)
	tn := newTenant()
	if err := st.Update(ctx, func(tx privet.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestReadTenantInChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "PRIVET_SQLITE_CHILD_DB="+filepath.Join(dir, "privet.db"), "PRIVET_SQLITE_CHILD_TENANT="+tn.ID)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child process did not see the committed tenant: %v\n%s", err, out)
	}
}

// TestReadTenantInChildProcess is TestDurability's other process; run
// directly, it does nothing.
func TestReadTenantInChildProcess(t *testing.T) {
	path, id := os.Getenv("PRIVET_SQLITE_CHILD_DB"), os.Getenv("PRIVET_SQLITE_CHILD_TENANT")
	if path == "" {
		t.Skip("only run as TestDurability's child process")
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.View(ctx, func(tx privet.Tx) error { _, err := tx.Tenant(ctx, id); return err }); err != nil {
		t.Fatalf("tenant: %v", err)
	}
}

func TestCheckSchemaRefusesOutdated(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		setup func(t *testing.T, st *sqlite.Store)
	}{
		{"new file", func(t *testing.T, st *sqlite.Store) {}},
		{"behind", func(t *testing.T, st *sqlite.Store) {
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			execSQL(t, st.DB(), `DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`)
		}},
		{"ahead", func(t *testing.T, st *sqlite.Store) {
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			execSQL(t, st.DB(), `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)`)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "privet.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			tc.setup(t, st)
			err = st.CheckSchema(ctx)
			if privet.ErrorCode(err) != privet.EUNAVAILABLE {
				t.Fatalf("CheckSchema = %v, want EUNAVAILABLE", err)
			}
		})
	}
}

func execSQL(t *testing.T, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), q); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st, ks, _ := open(t)
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	if err := ks.Migrate(ctx); err != nil {
		t.Fatalf("second KeyStore.Migrate: %v", err)
	}
	if err := st.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestBackup checks that a backup holds the data and, being a file of the
// data store, no data keys.
func TestBackup(t *testing.T) {
	ctx := context.Background()
	st, ks, dir := open(t)
	tn := newTenant()
	if err := st.Update(ctx, func(tx privet.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
		t.Fatal(err)
	}
	if err := ks.PutDataKey(ctx, &privet.DataKey{TenantID: tn.ID, SubjectID: "sub_1", Wrapped: []byte("w"), MasterKeyID: 1}); err != nil {
		t.Fatal(err)
	}
	dataBackup, keyBackup := filepath.Join(dir, "data-backup.db"), filepath.Join(dir, "keys-backup.db")
	if err := st.Backup(ctx, dataBackup); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if err := ks.Backup(ctx, keyBackup); err != nil {
		t.Fatalf("KeyStore.Backup: %v", err)
	}
	restored, err := sqlite.Open(ctx, dataBackup)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if err := restored.CheckSchema(ctx); err != nil {
		t.Fatalf("backup schema: %v", err)
	}
	if err := restored.View(ctx, func(tx privet.Tx) error { _, err := tx.Tenant(ctx, tn.ID); return err }); err != nil {
		t.Fatalf("tenant in backup: %v", err)
	}
	var n int
	err = restored.DB().QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'data_keys'`).Scan(&n)
	if err != nil || n != 0 {
		t.Fatalf("data backup has a data_keys table (%d, %v)", n, err)
	}
	rks, err := sqlite.OpenKeyStore(ctx, keyBackup)
	if err != nil {
		t.Fatal(err)
	}
	defer rks.Close()
	if _, err := rks.DataKey(ctx, tn.ID, "sub_1"); err != nil {
		t.Fatalf("key in key backup: %v", err)
	}
}

func TestUpdateAfterClose(t *testing.T) {
	ctx := context.Background()
	st, _, _ := open(t)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	err := st.Update(ctx, func(tx privet.Tx) error { return nil })
	if privet.ErrorCode(err) != privet.EUNAVAILABLE {
		t.Fatalf("Update after Close = %v, want EUNAVAILABLE", err)
	}
}

// TestUpdateCanceledWhileQueued holds the committer inside one fn, queues a
// second Update and cancels it: it must return the ctx error and its fn must
// never run, while the first Update still commits.
func TestUpdateCanceledWhileQueued(t *testing.T) {
	st, _, _ := open(t)
	bg := context.Background()
	entered, release := make(chan struct{}), make(chan struct{})
	tn := newTenant()
	firstDone := make(chan error, 1)
	go func() {
		firstDone <- st.Update(bg, func(tx privet.Tx) error {
			close(entered)
			<-release
			return tx.CreateTenant(bg, tn)
		})
	}()
	<-entered

	ctx, cancel := context.WithCancel(bg)
	secondDone := make(chan error, 1)
	ran := make(chan struct{}, 1)
	go func() {
		secondDone <- st.Update(ctx, func(tx privet.Tx) error { ran <- struct{}{}; return nil })
	}()
	cancel()
	if err := <-secondDone; err != context.Canceled {
		t.Fatalf("canceled Update = %v, want context.Canceled", err)
	}
	close(release)
	if err := <-firstDone; err != nil {
		t.Fatalf("first Update: %v", err)
	}
	// One more Update runs after the abandoned one would have: if the
	// abandoned fn were going to run, it has run by now.
	if err := st.Update(bg, func(tx privet.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ran:
		t.Fatal("the fn of a canceled Update ran")
	default:
	}
	if err := st.View(bg, func(tx privet.Tx) error { _, err := tx.Tenant(bg, tn.ID); return err }); err != nil {
		t.Fatalf("first Update's tenant: %v", err)
	}
}

func BenchmarkCreateSubjectParallel(b *testing.B) {
	ctx := context.Background()
	st, _, _ := open(b)
	tn := newTenant()
	if err := st.Update(ctx, func(tx privet.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s := &privet.Subject{ID: privet.NewID(privet.PrefixSubject), TenantID: tn.ID, Status: privet.StatusActive,
				Identities: []privet.Identity{{Type: privet.IdentityEmail, Index: []byte(privet.NewID("i")), Sealed: make([]byte, 40)}},
				Fields:     []privet.Field{{Name: "email", Category: "user.contact.email", Sealed: make([]byte, 40)}}}
			err := st.Update(ctx, func(tx privet.Tx) error {
				if err := tx.CreateSubject(ctx, s); err != nil {
					return err
				}
				return tx.AppendAudit(ctx, &privet.AuditEvent{TenantID: tn.ID, ActorType: privet.ActorSystem, Action: "subject.create", SubjectID: s.ID, Result: privet.ResultOK})
			})
			if err != nil {
				b.Error(err)
			}
		}
	})
}

// BenchmarkAppendAuditParallel is the write of an audited read: one event
// through the group commit, from 16 goroutines on 2 cores.
func BenchmarkAppendAuditParallel(b *testing.B) {
	ctx := context.Background()
	st, _, _ := open(b)
	tn := newTenant()
	if err := st.Update(ctx, func(tx privet.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ev := &privet.AuditEvent{TenantID: tn.ID, ActorType: privet.ActorSystem, Action: "subject.read",
				SubjectID: "sub_1", Purpose: "essential.service", Categories: []string{"user.contact.email"}, Result: privet.ResultOK}
			if err := st.Update(ctx, func(tx privet.Tx) error { return tx.AppendAudit(ctx, ev) }); err != nil {
				b.Error(err)
			}
		}
	})
}

// TestAuditQueriesUseIndexes checks the plans of the audit queries the store
// runs: a scan of a tenant's whole chain would grow with its history.
func TestAuditQueriesUseIndexes(t *testing.T) {
	st, _, _ := open(t)
	since := time.Now()
	tests := []struct {
		name  string
		q     privet.AuditQuery
		index string
	}{
		{"subject", privet.AuditQuery{SubjectID: "sub_1"}, "audit_events_subject"},
		{"actor", privet.AuditQuery{ActorID: "key_1", Since: since}, "audit_events_actor"},
		{"time", privet.AuditQuery{Since: since, Until: since.Add(time.Hour)}, "audit_events_time"},
		{"page", privet.AuditQuery{AfterSeq: 10}, "sqlite_autoindex_audit_events_1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			query, args := sqlite.AuditQuerySQL("ten_1", tc.q)
			if p := queryPlan(t, st, query, args...); !strings.Contains(p, "USING INDEX "+tc.index) || strings.Contains(p, "SCAN") {
				t.Errorf("plan:\n%s\nwant a search using %s", p, tc.index)
			}
		})
	}
}

// TestVisitorConsentDueUsesIndexes checks the plan of the retention query
// over visitors' consent events: a search of the partial index on their
// time, and of the links index per visitor, never a scan of the ledger.
func TestVisitorConsentDueUsesIndexes(t *testing.T) {
	st, _, _ := open(t)
	p := queryPlan(t, st, sqlite.VisitorConsentDueSQL, "ten_1", time.Now().UnixNano())
	for _, index := range []string{"consent_events_visitor_time", "consent_links"} {
		if !strings.Contains(p, "INDEX "+index+" (") {
			t.Errorf("plan:\n%s\nwant a search using %s", p, index)
		}
	}
	if strings.Contains(p, "SCAN") {
		t.Errorf("plan:\n%s\nwant no scan", p)
	}
}

// Updates that queue while the committer is busy commit together, in one
// transaction, and the commit counters say so.
func TestUpdatesQueuedMeanwhileShareOneCommit(t *testing.T) {
	st, _, _ := open(t)
	bg := context.Background()
	batches0, updates0 := st.CommitStats()
	entered, release := make(chan struct{}), make(chan struct{})
	firstDone := make(chan error, 1)
	go func() {
		firstDone <- st.Update(bg, func(tx privet.Tx) error {
			close(entered)
			<-release
			return nil
		})
	}()
	<-entered
	const n = 10
	done := make(chan error, n)
	for range n {
		go func() {
			done <- st.Update(bg, func(tx privet.Tx) error { return tx.CreateTenant(bg, newTenant()) })
		}()
	}
	// Wait (without sleeping) until all n are queued behind the busy
	// committer, then let it go on.
	for st.Queued() < n {
		runtime.Gosched()
	}
	close(release)
	if err := <-firstDone; err != nil {
		t.Fatal(err)
	}
	for range n {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	batches, updates := st.CommitStats()
	if got := updates - updates0; got != n+1 {
		t.Errorf("%d Updates counted, want %d", got, n+1)
	}
	if got := batches - batches0; got != 2 {
		t.Errorf("%d transactions for one Update and %d queued meanwhile, want 2", got, n)
	}
}

// queryPlan returns SQLite's plan of query, one line per step.
func queryPlan(t *testing.T, st *sqlite.Store, query string, args ...any) string {
	t.Helper()
	rows, err := st.DB().QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}
