package consent_test

import (
	"context"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/storetest"
)

// A withdrawal that a retention rule waits for (Cooper deletes newsletter
// data after unsubscribing) enqueues its follow-up in the same transaction;
// a consent given enqueues nothing.
func TestWithdrawalSchedulesRetention(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	src, err := examples.FS.ReadFile("cooper/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if e.pol, err = policy.Parse("cooper/policy.yaml", src); err != nil {
		t.Fatal(err)
	}
	e.svc = e.service()
	jobs := func() int {
		t.Helper()
		n, err := e.store.(storetest.JobCounter).JobCount(context.Background(), consent.WithdrawnJob{}.Kind())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	sub := e.subject(t, "DE", "adult", privet.StatusActive)
	const newsletter = "marketing.communications.email"
	e.record(t, consent.RecordInput{Party: consent.Party{SubjectID: sub}, Purpose: newsletter, State: privet.StateGiven})
	if n := jobs(); n != 0 {
		t.Fatalf("a consent given enqueued %d follow-ups", n)
	}
	e.record(t, consent.RecordInput{Party: consent.Party{SubjectID: sub}, Purpose: newsletter, State: privet.StateWithdrawn})
	if n := jobs(); n != 1 {
		t.Fatalf("the withdrawal enqueued %d follow-ups, want 1", n)
	}
}
