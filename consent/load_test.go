package consent_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
)

// slowLedger is a store whose reads fail while fail > 0 and then wait, each,
// until released: a ledger that takes minutes to load, or fails to, without
// the minutes.
type slowLedger struct {
	privet.Store
	fail    int           // reads to fail before any succeeds; only the loader reads
	entered chan struct{} // receives once per read that waits
	release chan struct{}
}

func (s *slowLedger) View(ctx context.Context, fn func(tx privet.Tx) error) error {
	if s.fail > 0 {
		s.fail--
		return privet.Errorf(privet.EUNAVAILABLE, "database is away")
	}
	select {
	case <-s.release:
	default:
		s.entered <- struct{}{}
		select {
		case <-s.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return s.Store.View(ctx, fn)
}

// A restart over a ledger that loads in the background: until memory is
// filled, everything that needs it fails closed with ErrLoading, never an
// answer from part of the ledger; a failed read is logged without personal
// data and tried again; once loaded, the answer is the ledger's.
func TestBackgroundLoadFailsClosedUntilFilled(t *testing.T) {
	eachStore(t, func(t *testing.T, st privet.Store) {
		e := newEnv(t, st)
		ctx := context.Background()
		sub := e.subject(t, "DE", "adult", privet.StatusActive)
		e.record(t, consent.RecordInput{Party: consent.Party{SubjectID: sub}, Purpose: email, State: privet.StateGiven})

		logs := &bytes.Buffer{}
		slow := &slowLedger{Store: st, fail: 1, entered: make(chan struct{}), release: make(chan struct{})}
		svc := e.service()
		svc.Store, svc.Logger, svc.LoadRetry = slow, slog.New(slog.NewJSONHandler(logs, nil)), 1
		t.Cleanup(func() { svc.Close() })
		svc.LoadInBackground(ctx)
		<-slow.entered // the first read failed; the retry is under way, and held

		if err := svc.Ready(); !errors.Is(err, consent.ErrLoading) {
			t.Fatalf("Ready while loading = %v", err)
		}
		in := consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: email}
		if d, err := svc.Decide(ctx, e.tenant, in); !errors.Is(err, consent.ErrLoading) || privet.ErrorCode(err) != privet.EUNAVAILABLE {
			t.Fatalf("Decide while loading = %+v, %v", d, err)
		}
		if ds, err := svc.DecideBatch(ctx, e.tenant, email, []string{sub}); !errors.Is(err, consent.ErrLoading) {
			t.Fatalf("DecideBatch while loading = %+v, %v", ds, err)
		}
		if _, err := svc.Record(ctx, api, e.tenant, consent.RecordInput{Party: consent.Party{SubjectID: sub}, Purpose: email,
			State: privet.StateWithdrawn, Source: privet.SourceAPI}); !errors.Is(err, consent.ErrLoading) {
			t.Fatalf("Record while loading = %v", err)
		}
		if !strings.Contains(logs.String(), "consent load failed") || strings.Contains(logs.String(), sub) {
			t.Errorf("the failed read is not logged, or names the subject: %s", logs)
		}

		close(slow.release)
		if err := svc.Start(ctx); err != nil { // waits for the background load
			t.Fatal(err)
		}
		if err := svc.Ready(); err != nil {
			t.Fatalf("Ready after loading = %v", err)
		}
		if d := e.decide(t, svc, in); !d.Allowed || d.Reason != consent.ReasonConsentGiven {
			t.Fatalf("after loading: %+v", d)
		}
	})
}

// Close stops a load that is under way rather than wait for the ledger.
func TestCloseStopsBackgroundLoad(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	slow := &slowLedger{Store: e.store, entered: make(chan struct{}), release: make(chan struct{})}
	svc := e.service()
	svc.Store = slow
	svc.LoadInBackground(context.Background())
	<-slow.entered
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	if err := svc.Ready(); !errors.Is(err, consent.ErrLoading) {
		t.Fatalf("Ready after a stopped load = %v", err)
	}
}
