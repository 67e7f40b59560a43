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
	stores := map[string]func(t *testing.T) privet.Store{
		"sqlite":   func(t *testing.T) privet.Store { return openSQLite(t) },
		"postgres": func(t *testing.T) privet.Store { return openPostgres(t, privet.NewID("signal")) },
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open(t))
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
