package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/sqlite"
)

// A query is prepared once in the background and then reused; the cache holds
// at most its bound however many distinct queries run.
func TestStmtCache(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	c := sqlite.StmtCacheFor(db)
	defer c.Close()

	if c.Get("SELECT 1") {
		t.Fatal("Get on a new cache found a statement")
	}
	c.Wait()
	if !c.Get("SELECT 1") {
		t.Fatal("Get after preparing found no statement")
	}
	c.Get("SELECT nonsense FROM nowhere")
	c.Wait()
	if c.Get("SELECT nonsense FROM nowhere") {
		t.Error("a query that does not prepare was cached")
	}
	c.Wait()
	for i := range sqlite.MaxCachedStmts + 50 {
		c.Get(fmt.Sprintf("SELECT %d", i))
	}
	c.Wait()
	if n := c.Len(); n > sqlite.MaxCachedStmts {
		t.Errorf("cache holds %d statements, bound is %d", n, sqlite.MaxCachedStmts)
	}
}

// Preparing never waits on the transaction that asked: with the writer's one
// connection held by a transaction, a miss returns at once, and the
// preparation finishes once the transaction ends.
func TestStmtCacheMissInTransaction(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	c := sqlite.StmtCacheFor(db)
	defer c.Close()
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Get("SELECT 2") {
		t.Fatal("a statement was prepared while the only connection was held")
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	c.Wait()
	if !c.Get("SELECT 2") {
		t.Error("the statement was not prepared once the connection was free")
	}
}

// The same Update, run many times, keeps giving the right answer once its
// statements come from the cache: the cached path is the one under load.
func TestCachedStatementsAnswer(t *testing.T) {
	st, _, _ := open(t)
	ctx := context.Background()
	tn := newTenant()
	if err := st.Update(ctx, func(tx privet.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		ev := &privet.AuditEvent{TenantID: tn.ID, Time: time.Unix(1_700_000_000, 0).Add(time.Duration(i) * time.Second), ActorType: privet.ActorSystem, ActorID: "test",
			Action: "subject.read", Result: privet.ResultOK}
		if err := st.Update(ctx, func(tx privet.Tx) error { return tx.AppendAudit(ctx, ev) }); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		if ev.Seq != int64(i+1) {
			t.Fatalf("append %d: seq %d, want %d", i, ev.Seq, i+1)
		}
	}
}

// Savepoint journals live in memory, never in temporary files.
func TestTempStoreMemory(t *testing.T) {
	st, _, _ := open(t)
	var mode int
	if err := st.DB().QueryRowContext(context.Background(), `PRAGMA temp_store`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != 2 {
		t.Errorf("temp_store = %d, want 2 (MEMORY)", mode)
	}
}
