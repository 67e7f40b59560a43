package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto/cryptotest"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/tenancy"
)

// TestConsentEventsAfterStopsAtEventsInFlight: an event that drew its seq
// first must not be stepped over by a reader of the ledger. Writers draw
// seqs one transaction at a time, so a later event waits for the one in
// flight to commit, and a reader never sees a seq above one still to come.
// Without the ordering lock the later event commits first, the reader moves
// its position past the earlier one, and never reads it.
func TestConsentEventsAfterStopsAtEventsInFlight(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url := testURL(t)
	schema := storetest.FreshSchema(t, url, "privet_test")
	st := openOn(t, url, schema)
	ten := &tenancy.Service{Store: st, Master: cryptotest.Master(t), Clock: privet.SystemClock{}}
	tn, err := ten.CreateTenant(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	event := func(id string) *privet.ConsentEvent {
		return &privet.ConsentEvent{ID: id, TenantID: tn.ID, Visitor: []byte(id), Purpose: "marketing.email",
			State: privet.StateGiven, Source: privet.SourceBanner, PolicyVersion: "1", Jurisdiction: "DE",
			Time: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	}
	read := func() []int64 {
		var seqs []int64
		err := st.View(ctx, func(tx privet.Tx) error {
			evs, err := tx.ConsentEventsAfter(ctx, 0, 100)
			for _, e := range evs {
				seqs = append(seqs, e.Seq)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return seqs
	}
	if err := st.Update(ctx, func(tx privet.Tx) error { return tx.AppendConsent(ctx, event("ev_first")) }); err != nil {
		t.Fatal(err)
	}

	// A transaction of another server draws the next seq, as a server
	// does (under the ordering lock), and stays open.
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	slow, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	table := pgx.Identifier{schema, "consent_events"}.Sanitize()
	var held int64
	err = slow.QueryRow(ctx, `INSERT INTO `+table+` (id, tenant_id, visitor, purpose,
		state, source, policy_version, jurisdiction, notice_hash, user_agent, ip, guardian, "time")
		SELECT 'ev_slow', $1, 'slow', 'marketing.email', 'given', 'banner', '1', 'DE', '', '', '', false, now()
		FROM (SELECT pg_advisory_xact_lock($2::regclass::oid::bigint)) AS l RETURNING seq`, tn.ID, table).Scan(&held)
	if err != nil {
		t.Fatal(err)
	}

	// A later event waits for it.
	later := event("ev_later")
	laterDone := make(chan error, 1)
	go func() { laterDone <- st.Update(ctx, func(tx privet.Tx) error { return tx.AppendConsent(ctx, later) }) }()
	for waiting := false; !waiting; {
		err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND objid = $1::regclass::oid)`, table).Scan(&waiting)
		if err != nil {
			t.Fatalf("the later event did not wait for the one in flight: %v", err)
		}
		select {
		case err := <-laterDone:
			t.Fatalf("the later event committed (%v) while seq %d was in flight", err, held)
		default:
		}
	}
	if seqs := read(); len(seqs) != 1 || seqs[0] >= held {
		t.Fatalf("while seq %d is in flight the ledger reads %v, want only the events below it", held, seqs)
	}

	if err := slow.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-laterDone; err != nil {
		t.Fatal(err)
	}
	if later.Seq <= held {
		t.Fatalf("the later event drew seq %d, not above the held %d", later.Seq, held)
	}
	if seqs := read(); len(seqs) != 3 || seqs[1] != held || seqs[2] != later.Seq {
		t.Fatalf("after the commit the ledger reads %v, want all three in seq order", seqs)
	}
}
