package consent_test

import (
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
)

// Two servers on one PostgreSQL database: a choice recorded on one reaches
// the other's memory within a second, through a notification.
func TestTwoServersOnPostgres(t *testing.T) {
	schema := "consent_" + strings.ToLower(privet.NewID("t"))
	one := newEnv(t, openPostgres(t, schema))
	otherStore := openPostgres(t, schema)
	two := &consent.Service{Store: otherStore, Master: one.master, Policies: one.svc.Policies, Clock: one.clock}
	t.Cleanup(func() { one.svc.Close(); two.Close() })
	sub := one.subject(t, "DE", "adult", privet.StatusActive)
	in := consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: email}
	if d := one.decide(t, two, in); d.Allowed {
		t.Fatalf("before: %+v", d)
	}
	for _, state := range []privet.ConsentState{privet.StateGiven, privet.StateWithdrawn} {
		one.record(t, consent.RecordInput{Party: consent.Party{SubjectID: sub}, Purpose: email, State: state})
		want := state == privet.StateGiven
		deadline := time.Now().Add(time.Second)
		tick := time.NewTicker(5 * time.Millisecond)
		for d := one.decide(t, two, in); d.Allowed != want; d = one.decide(t, two, in) {
			if time.Now().After(deadline) {
				t.Fatalf("server two still says %+v a second after %s", d, state)
			}
			<-tick.C
		}
		tick.Stop()
	}
}
