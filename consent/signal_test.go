package consent_test

import (
	"context"
	"sync"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
)

// TestSignal records browser signals once per person on both engines, and
// checks that DNT stops targeted advertising only where the policy says so.
func TestSignal(t *testing.T) {
	eachStore(t, func(t *testing.T, st privet.Store) {
		e := newEnv(t, st)
		ctx := context.Background()
		sub := e.subject(t, "DE", "adult", privet.StatusActive)
		const cookie = "ck_signal_abcdefghijk"
		e.record(t, consent.RecordInput{Party: consent.Party{SubjectID: sub}, Purpose: targeted, State: privet.StateGiven})
		for i, c := range []struct {
			in   consent.SignalInput
			want bool
		}{
			{consent.SignalInput{Party: consent.Party{SubjectID: sub}, Source: privet.SourceDNT}, true},
			{consent.SignalInput{Party: consent.Party{SubjectID: sub}, Source: privet.SourceDNT}, false},
			{consent.SignalInput{Party: consent.Party{SubjectID: sub}, Source: privet.SourceGPC}, true},
			{consent.SignalInput{Party: consent.Party{CookieID: cookie}, Source: privet.SourceGPC}, true},
			{consent.SignalInput{Party: consent.Party{CookieID: cookie}, Source: privet.SourceGPC}, false},
		} {
			got, err := e.svc.Signal(ctx, api, e.tenant, c.in)
			if err != nil || got != c.want {
				t.Errorf("Signal #%d = %v, %v; want %v", i+1, got, err, c.want)
			}
		}
		_, err := e.svc.Signal(ctx, api, e.tenant, consent.SignalInput{Party: consent.Party{SubjectID: sub}, Source: privet.SourceBanner})
		wantCode(t, err, privet.EINVALID, "source")

		// In DE neither the law nor this policy honours GPC or DNT.
		if d := e.decide(t, e.svc, consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: targeted}); !d.Allowed {
			t.Errorf("without honour_dnt, decision = %+v, want allowed", d)
		}
		honouring := *e.pol.Policy
		honouring.HonourDNT = true
		e.pol.Policy = &honouring
		if d := e.decide(t, e.svc, consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: targeted}); d.Allowed || d.Reason != consent.ReasonDNT {
			t.Errorf("with honour_dnt, decision = %+v, want denied for dnt", d)
		}
		// A restarted server learns the signal from the ledger.
		restarted := e.service()
		if d := e.decide(t, restarted, consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: targeted}); d.Allowed {
			t.Errorf("after a restart, decision = %+v, want denied", d)
		}
	})
}

// TestSignalConcurrent sends one person's first signal on many requests at
// once: it is recorded once.
func TestSignalConcurrent(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	ctx := context.Background()
	const cookie = "ck_signal_concurrent_abc"
	var wg sync.WaitGroup
	recorded := make(chan bool, 16)
	for range 16 {
		wg.Go(func() {
			got, err := e.svc.Signal(ctx, api, e.tenant, consent.SignalInput{Party: consent.Party{CookieID: cookie}, Source: privet.SourceGPC})
			if err != nil {
				t.Error(err)
			}
			recorded <- got
		})
	}
	wg.Wait()
	close(recorded)
	n := 0
	for got := range recorded {
		if got {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d of 16 concurrent first signals recorded, want 1", n)
	}
}

// TestDNTStopsTracking: where the policy honours DNT, a Do Not Track signal
// stops the purposes it marks tracking (usage analytics that are neither sale
// nor advertising), for a subject and for a visitor, with the reason dnt;
// purposes not so marked go on, and without honour_dnt nothing stops.
func TestDNTStopsTracking(t *testing.T) {
	const analytics, preferences = "analytics.reporting", "personalize.system"
	eachStore(t, func(t *testing.T, st privet.Store) {
		e := newEnv(t, st)
		ctx := context.Background()
		for i := range e.pol.Policy.Purposes {
			if e.pol.Policy.Purposes[i].Key == analytics {
				e.pol.Policy.Purposes[i].Tracking = true
			}
		}
		sub := e.subject(t, "US-NY", "adult", privet.StatusActive)
		const cookie = "ck_tracking_abcdefghijk"
		parties := map[string]consent.DecideInput{
			"subject": {Party: consent.Party{SubjectID: sub}},
			"visitor": {Party: consent.Party{CookieID: cookie}, Jurisdiction: "US-NY"},
		}
		decide := func(who, purpose string) consent.Decision {
			in := parties[who]
			in.Purpose = purpose
			return e.decide(t, e.svc, in)
		}
		for who, in := range parties {
			if d := decide(who, analytics); !d.Allowed {
				t.Fatalf("%s: analytics before any signal = %+v, want allowed (opt-out in US-NY)", who, d)
			}
			if _, err := e.svc.Signal(ctx, api, e.tenant, consent.SignalInput{Party: in.Party, Source: privet.SourceDNT}); err != nil {
				t.Fatal(err)
			}
		}
		// The policy does not honour DNT yet: the signal is on record and stops nothing.
		for who := range parties {
			if d := decide(who, analytics); !d.Allowed {
				t.Errorf("%s: without honour_dnt, analytics = %+v, want allowed", who, d)
			}
		}
		honouring := *e.pol.Policy
		honouring.HonourDNT = true
		e.pol.Policy = &honouring
		for who := range parties {
			if d := decide(who, analytics); d.Allowed || d.Reason != consent.ReasonDNT {
				t.Errorf("%s: with honour_dnt, analytics = %+v, want denied for dnt", who, d)
			}
			if d := decide(who, preferences); !d.Allowed {
				t.Errorf("%s: a purpose not marked tracking = %+v, want allowed", who, d)
			}
		}
		// A restarted server learns both signals from the ledger.
		restarted := e.service()
		for who, in := range parties {
			in.Purpose = analytics
			if d := e.decide(t, restarted, in); d.Allowed {
				t.Errorf("%s: after a restart, analytics = %+v, want denied", who, d)
			}
		}
	})
}
