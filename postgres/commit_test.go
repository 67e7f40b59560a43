package postgres_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/audit"
	"github.com/privet-dev/privet/crypto/cryptotest"
	"github.com/privet-dev/privet/postgres"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/tenancy"
)

// openOn opens a migrated store in the schema, with extra connection
// parameters appended to the test URL.
func openOn(t *testing.T, url, schema string) *postgres.Store {
	t.Helper()
	ctx := context.Background()
	st, err := postgres.Open(ctx, url, postgres.WithSchema(schema))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return st
}

func testSubject(tenantID string) *privet.Subject {
	return &privet.Subject{ID: privet.NewID(privet.PrefixSubject), TenantID: tenantID, Status: privet.StatusActive,
		Identities: []privet.Identity{{Type: privet.IdentityEmail, Index: []byte(privet.NewID("i")), Sealed: make([]byte, 40)}}}
}

func auditCreate(tenantID, subjectID string) *privet.AuditEvent {
	return &privet.AuditEvent{TenantID: tenantID, ActorType: privet.ActorSystem, Action: "subject.create", SubjectID: subjectID, Result: privet.ResultOK}
}

// Concurrent Updates share transactions: 64 concurrent creates ran in fewer
// than 64 database transactions. Without group commit each has its own.
func TestUpdatesShareTransactions(t *testing.T) {
	ctx := context.Background()
	st, _ := open(t)
	tn := &privet.Tenant{ID: privet.NewID(privet.PrefixTenant), Name: "Acme"}
	if err := st.Update(ctx, func(tx privet.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	txs := map[int64]int{}
	for range 64 {
		wg.Go(func() {
			s := testSubject(tn.ID)
			err := st.Update(ctx, func(tx privet.Tx) error {
				if err := tx.CreateSubject(ctx, s); err != nil {
					return err
				}
				id, err := postgres.TxID(ctx, tx)
				if err != nil {
					return err
				}
				mu.Lock()
				txs[id]++
				mu.Unlock()
				return tx.AppendAudit(ctx, auditCreate(tn.ID, s.ID))
			})
			if err != nil {
				t.Errorf("Update: %v", err)
			}
		})
	}
	wg.Wait()
	if len(txs) >= 64 {
		t.Fatalf("64 updates ran in %d transactions; want fewer", len(txs))
	}
	t.Logf("64 updates in %d transactions", len(txs))
}

// Update returns only after COMMIT: the moment it returns, a connection of
// its own (not the store's) sees the writes.
func TestUpdateReturnsAfterCommit(t *testing.T) {
	ctx := context.Background()
	url := testURL(t)
	schema := storetest.FreshSchema(t, url, "privet_test")
	st := openOn(t, url, schema)
	tn := &privet.Tenant{ID: privet.NewID(privet.PrefixTenant), Name: "Acme"}
	if err := st.Update(ctx, func(tx privet.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 16 {
		conn := connect(t, url, schema)
		wg.Go(func() {
			for range 8 {
				s := testSubject(tn.ID)
				if err := st.Update(ctx, func(tx privet.Tx) error {
					if err := tx.CreateSubject(ctx, s); err != nil {
						return err
					}
					return tx.AppendAudit(ctx, auditCreate(tn.ID, s.ID))
				}); err != nil {
					t.Errorf("Update: %v", err)
					return
				}
				var n int
				if err := conn.QueryRow(ctx, `SELECT count(*) FROM subjects WHERE tenant_id = $1 AND id = $2`, tn.ID, s.ID).Scan(&n); err != nil || n != 1 {
					t.Errorf("subject not visible to another connection after Update returned: %d, %v", n, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func connect(t *testing.T, url, schema string) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["search_path"] = schema
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// Two stores on one database (two servers) write to three tenants at once,
// some updates touching two tenants in either order and some failing: no
// update that should succeed fails (no deadlock between batches), every
// chain is gapless, and audit verification passes on each tenant.
func TestTwoStoresOneChain(t *testing.T) {
	ctx := context.Background()
	url := testURL(t)
	schema := storetest.FreshSchema(t, url, "privet_test")
	stores := []*postgres.Store{openOn(t, url, schema), openOn(t, url, schema)}
	master := cryptotest.Master(t)
	ten := &tenancy.Service{Store: stores[0], Master: master, Clock: privet.SystemClock{}}
	var tenants []string
	for _, name := range []string{"a", "b", "c"} {
		tn, err := ten.CreateTenant(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		tenants = append(tenants, tn.ID)
	}
	var committed [3]atomic.Int64 // events per tenant, from updates that returned nil
	committed[0].Add(1)           // each tenant's tenant.create
	committed[1].Add(1)
	committed[2].Add(1)
	errFail := errors.New("fails on purpose")
	const workers, perWorker = 32, 12
	var wg sync.WaitGroup
	for w := range workers {
		st := stores[w%2]
		wg.Go(func() {
			for i := range perWorker {
				a, b := (w+i)%3, (w+2*i+1)%3
				two, fail := i%4 == 0 && a != b, i%5 == 0
				s := testSubject(tenants[a])
				err := st.Update(ctx, func(tx privet.Tx) error {
					if err := tx.CreateSubject(ctx, s); err != nil {
						return err
					}
					if err := tx.AppendAudit(ctx, auditCreate(tenants[a], s.ID)); err != nil {
						return err
					}
					if two {
						if err := tx.AppendAudit(ctx, auditCreate(tenants[b], s.ID)); err != nil {
							return err
						}
					}
					if fail {
						return errFail
					}
					return nil
				})
				switch {
				case fail && err != errFail:
					t.Errorf("failing update returned %v", err)
				case !fail && err != nil:
					t.Errorf("update: %v", err)
				case !fail:
					committed[a].Add(1)
					if two {
						committed[b].Add(1)
					}
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	svc := &audit.Service{Store: stores[1], Master: master, Clock: privet.SystemClock{}}
	for i, id := range tenants {
		if _, err := svc.Checkpoint(ctx, id); err != nil {
			t.Fatalf("Checkpoint: %v", err)
		}
		r, err := svc.Verify(ctx, id)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if !r.OK || r.Events != committed[i].Load() {
			t.Errorf("tenant %d: verify %+v, want ok with %d events", i, r, committed[i].Load())
		}
	}
}

// Connections die under load (a server restart, a failover): an update
// whose batch did not commit fails, and none that returned nil is lost.
func TestAcknowledgedSurvivesConnectionLoss(t *testing.T) {
	ctx := context.Background()
	url := testURL(t)
	schema := storetest.FreshSchema(t, url, "privet_test")
	// The application name lets the test kill this store's connections
	// and no one else's.
	app := "privet_crash_" + privet.NewID("t")[2:12]
	st := openOn(t, url+"&application_name="+app, schema)
	tn := &privet.Tenant{ID: privet.NewID(privet.PrefixTenant), Name: "Acme"}
	if err := st.Update(ctx, func(tx privet.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
		t.Fatal(err)
	}
	admin := connect(t, url, schema)
	var acked sync.Map
	var ackedN, failedN atomic.Int64
	acks := make(chan struct{}, 1<<16)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				s := testSubject(tn.ID)
				err := st.Update(ctx, func(tx privet.Tx) error {
					if err := tx.CreateSubject(ctx, s); err != nil {
						return err
					}
					return tx.AppendAudit(ctx, auditCreate(tn.ID, s.ID))
				})
				if err != nil {
					failedN.Add(1)
					continue
				}
				acked.Store(s.ID, true)
				ackedN.Add(1)
				select {
				case acks <- struct{}{}:
				default:
				}
			}
		})
	}
	// Kill the store's connections a few times while writes run; each
	// round waits for writes to be acknowledged first, so kills land
	// mid-stream (no sleeping: progress is the clock).
	waitAcks := func(n int) {
		for range n {
			<-acks
		}
	}
	for range 5 {
		waitAcks(40)
		if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, app); err != nil {
			t.Fatal(err)
		}
	}
	waitAcks(40)
	close(stop)
	wg.Wait()
	if failedN.Load() == 0 {
		t.Log("no update failed: the kills landed between batches")
	}
	var subjects, events int
	if err := admin.QueryRow(ctx, `SELECT (SELECT count(*) FROM subjects WHERE tenant_id = $1), (SELECT count(*) FROM audit_events WHERE tenant_id = $1)`, tn.ID).Scan(&subjects, &events); err != nil {
		t.Fatal(err)
	}
	missing := 0
	acked.Range(func(k, _ any) bool {
		var n int
		if err := admin.QueryRow(ctx, `SELECT count(*) FROM subjects WHERE tenant_id = $1 AND id = $2`, tn.ID, k).Scan(&n); err != nil || n != 1 {
			missing++
		}
		return true
	})
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged updates lost", missing, ackedN.Load())
	}
	// Every committed subject has its event: audit committed with it.
	if events != subjects {
		t.Fatalf("%d subjects but %d audit events", subjects, events)
	}
	t.Logf("%d acknowledged, %d failed, %d committed", ackedN.Load(), failedN.Load(), subjects)
}

// An Update whose ctx ends while it waits in the queue returns the ctx error
// and its fn never runs; the Updates already taken still commit. Every
// committer is held inside a fn first (each takes the one queued while the
// others are busy), so the canceled Update is still queued.
func TestUpdateCanceledWhileQueued(t *testing.T) {
	st, _ := open(t)
	bg := context.Background()
	release := make(chan struct{})
	var held []chan error
	var tenants []*privet.Tenant
	for range postgres.Committers {
		entered, done := make(chan struct{}), make(chan error, 1)
		tn := &privet.Tenant{ID: privet.NewID(privet.PrefixTenant), Name: "Acme"}
		go func() {
			done <- st.Update(bg, func(tx privet.Tx) error {
				close(entered)
				<-release
				return tx.CreateTenant(bg, tn)
			})
		}()
		<-entered
		held, tenants = append(held, done), append(tenants, tn)
	}
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
	for _, done := range held {
		if err := <-done; err != nil {
			t.Fatalf("held Update: %v", err)
		}
	}
	// More Updates run after the abandoned one would have: if its fn were
	// going to run, it has run by now.
	for range postgres.Committers {
		if err := st.Update(bg, func(tx privet.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-ran:
		t.Fatal("the fn of a canceled Update ran")
	default:
	}
	for _, tn := range tenants {
		if err := st.View(bg, func(tx privet.Tx) error { _, err := tx.Tenant(bg, tn.ID); return err }); err != nil {
			t.Fatalf("held Update's tenant: %v", err)
		}
	}
}
