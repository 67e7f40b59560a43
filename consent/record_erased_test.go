package consent_test

import (
	"context"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
)

// TestRecordRefusesErasedSubject: once a subject is erased, no choice of it
// is recorded (not by a service that saw it live a moment ago either), and
// a choice naming no jurisdiction takes the subject's, on both engines.
func TestRecordRefusesErasedSubject(t *testing.T) {
	eachStore(t, func(t *testing.T, st privet.Store) {
		e := newEnv(t, st)
		ctx := context.Background()
		sub := e.subject(t, "FR", "adult", privet.StatusActive)
		who := consent.Party{SubjectID: sub}
		ev := e.record(t, consent.RecordInput{Party: who, Purpose: email, State: privet.StateGiven})
		if ev.Jurisdiction != "FR" || ev.Seq == 0 {
			t.Fatalf("event = %+v, want the subject's jurisdiction FR and a seq", ev)
		}
		if ev := e.record(t, consent.RecordInput{Party: who, Purpose: analytics, State: privet.StateGiven, Jurisdiction: "DE"}); ev.Jurisdiction != "DE" {
			t.Fatalf("a given jurisdiction became %q", ev.Jurisdiction)
		}
		// The service has seen the subject live, and decided for it.
		if d := e.decide(t, e.svc, consent.DecideInput{Party: who, Purpose: email}); !d.Allowed {
			t.Fatalf("before the erasure: %+v", d)
		}

		err := e.store.Update(ctx, func(tx privet.Tx) error { return tx.EraseSubject(ctx, e.tenant, sub, start) })
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range []consent.RecordInput{
			{Party: who, Purpose: email, State: privet.StateWithdrawn, Source: privet.SourceAPI},
			// Named with a cookie id, the link would come first.
			{Party: consent.Party{SubjectID: sub, CookieID: "ck_erased_abcdefgh"}, Purpose: email, State: privet.StateGiven, Source: privet.SourceBanner},
			{Party: who, Purpose: email, State: privet.StateGiven, Source: privet.SourceAPI, Jurisdiction: "DE"},
		} {
			if _, err := e.svc.Record(ctx, api, e.tenant, in); privet.ErrorCode(err) != privet.ENOTFOUND {
				t.Fatalf("recording for an erased subject (%s, %s): %v, want not found", in.State, in.Source, err)
			}
		}
		var evs []*privet.ConsentEvent
		var audits []*privet.AuditEvent
		err = e.store.View(ctx, func(tx privet.Tx) (err error) {
			if evs, err = tx.ConsentEvents(ctx, e.tenant, privet.ConsentQuery{SubjectID: sub}); err != nil {
				return err
			}
			audits, err = tx.AuditEvents(ctx, e.tenant, privet.AuditQuery{SubjectID: sub, Action: "consent.record"})
			return err
		})
		if err != nil || len(evs) != 2 || len(audits) != 2 {
			t.Fatalf("after the erasure the ledger has %d events and %d audit events (%v), want the 2 before", len(evs), len(audits), err)
		}
	})
}
