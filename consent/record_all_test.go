package consent_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/vault"
)

// TestRecordAllIsOneTransaction records a banner-like choice (a signal and
// several purposes, for a visitor and for a subject it becomes) and checks,
// on both engines, that a failure at any point leaves nothing: no event, no
// audit event, no link, and decisions, from memory or after a restart,
// unchanged.
func TestRecordAllIsOneTransaction(t *testing.T) {
	eachStore(t, func(t *testing.T, st privet.Store) {
		e := newEnv(t, st)
		ctx := context.Background()
		sub := e.subject(t, "DE", "adult", privet.StatusActive)
		const cookie = "ck_recordall_abcdefgh"
		who := consent.Party{SubjectID: sub, CookieID: cookie}
		choice := []consent.RecordInput{
			consent.SignalInput{Party: who, Source: privet.SourceGPC}.Record(),
			{Party: who, Purpose: analytics, State: privet.StateGiven, Source: privet.SourceBanner},
			{Party: who, Purpose: email, State: privet.StateWithdrawn, Source: privet.SourceBanner},
			{Party: who, Purpose: targeted, State: privet.StateRefused, Source: privet.SourceBanner},
		}
		faulty := &storetest.Faulty{Store: e.store}
		svc := &consent.Service{Store: faulty, Master: e.master, Policies: vault.StaticPolicy{Compiled: e.pol}, Clock: e.clock}

		unchanged := func(t *testing.T, when string) {
			t.Helper()
			evs, err := e.svc.Events(ctx, e.tenant, consent.Party{SubjectID: sub}, 0, 0)
			if err != nil || len(evs) != 0 {
				t.Fatalf("%s: ledger = %d events, %v; want none", when, len(evs), err)
			}
			var audits []*privet.AuditEvent
			err = e.store.View(ctx, func(tx privet.Tx) (err error) {
				audits, err = tx.AuditEvents(ctx, e.tenant, privet.AuditQuery{SubjectID: sub})
				return err
			})
			if err != nil || len(audits) != 0 {
				t.Fatalf("%s: audit = %d events, %v; want none", when, len(audits), err)
			}
			for name, s := range map[string]*consent.Service{"memory": svc, "restarted": e.service()} {
				for _, purpose := range []string{analytics, email, targeted} {
					d := e.decide(t, s, consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: purpose})
					if d.Allowed || d.Reason != consent.ReasonNoConsent {
						t.Fatalf("%s: %s decision on %s = %+v, want no consent", when, name, purpose, d)
					}
				}
			}
		}

		// Fail at the signal, at the first purpose, a middle one, the last one:
		// the link before them was written each time.
		for _, at := range []int32{1, 2, 3, 4} {
			faulty.Reset(at)
			if _, err := svc.RecordAll(ctx, api, e.tenant, choice); privet.ErrorCode(err) != privet.EUNAVAILABLE {
				t.Fatalf("failing at event %d: %v, want the injected failure", at, err)
			}
			unchanged(t, fmt.Sprintf("after a failure at event %d", at))
		}
		// A subject that does not exist, named by the last input.
		bad := append(choice[:len(choice):len(choice)], consent.RecordInput{Party: consent.Party{SubjectID: "sub_missing"},
			Purpose: email, State: privet.StateGiven, Source: privet.SourceBanner})
		faulty.Reset(0)
		if _, err := svc.RecordAll(ctx, api, e.tenant, bad); privet.ErrorCode(err) != privet.ENOTFOUND {
			t.Fatalf("with a missing subject: %v, want not found", err)
		}
		unchanged(t, "after a missing subject")
		// An invalid input changes nothing and names its field.
		invalid := append(choice[:len(choice):len(choice)], consent.RecordInput{Party: who, Purpose: "no.such", State: privet.StateGiven,
			Source: privet.SourceBanner})
		_, err := svc.RecordAll(ctx, api, e.tenant, invalid)
		wantCode(t, err, privet.EINVALID, "purpose")
		unchanged(t, "after an invalid input")

		// Without a failure every event commits, and memory has them all.
		evs, err := svc.RecordAll(ctx, api, e.tenant, choice)
		if err != nil || len(evs) != len(choice) {
			t.Fatalf("RecordAll = %d events, %v", len(evs), err)
		}
		ledger, err := e.svc.Events(ctx, e.tenant, consent.Party{SubjectID: sub}, 0, 0)
		if err != nil || len(ledger) != len(choice)+1 || ledger[0].State != privet.StateLinked {
			t.Fatalf("ledger = %d events, %v; want the link and %d", len(ledger), err, len(choice))
		}
		for name, s := range map[string]*consent.Service{"memory": svc, "restarted": e.service()} {
			for purpose, reason := range map[string]string{analytics: consent.ReasonConsentGiven, email: consent.ReasonWithdrawn,
				targeted: consent.ReasonRefused} {
				d := e.decide(t, s, consent.DecideInput{Party: consent.Party{CookieID: cookie}, Purpose: purpose})
				if d.Reason != reason {
					t.Errorf("%s: visitor's %s decision = %+v, want %s", name, purpose, d, reason)
				}
			}
		}
		// The signal is on record: a second choice does not repeat it.
		evs, err = svc.RecordAll(ctx, api, e.tenant, choice)
		if err != nil || len(evs) != len(choice)-1 || evs[0].Source != privet.SourceBanner {
			t.Fatalf("again: %d events, %v; want the choices without the signal", len(evs), err)
		}
	})
}
