package requests_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/requests"
)

// Legal holds placed in the store stop an erasure request: a held subject
// keeps everything and the request says so; a released hold keeps nothing.
func TestErasureHonoursStoredLegalHolds(t *testing.T) {
	e := newEnv(t, "pypeserver")
	ctx := context.Background()
	e.svc.Holds = requests.LegalHolds{Store: e.svc.Store}
	held := e.subject(t, "DE", "held@example.com")
	free := e.subject(t, "DE", "free@example.com")
	place := func(h *privet.Hold) {
		t.Helper()
		h.TenantID, h.ID, h.CreatedBy, h.CreatedAt = e.tenant, privet.NewID(privet.PrefixHold), "op", time.Now()
		if err := e.svc.Store.Update(ctx, func(tx privet.Tx) error { return tx.CreateHold(ctx, h) }); err != nil {
			t.Fatal(err)
		}
	}
	subjectHold := &privet.Hold{SubjectID: held, Reason: "litigation"}
	place(subjectHold)
	place(&privet.Hold{Category: "user.financial", Reason: "tax"})
	released := &privet.Hold{SubjectID: free, Reason: "closed case"}
	place(released)
	if err := e.svc.Store.Update(ctx, func(tx privet.Tx) error {
		return tx.ReleaseHold(ctx, e.tenant, released.ID, time.Now())
	}); err != nil {
		t.Fatal(err)
	}

	got, err := e.svc.Holds.Held(ctx, e.tenant, held)
	if err != nil {
		t.Fatal(err)
	}
	want := []requests.Hold{{Category: "*", Reason: "legal hold " + subjectHold.ID}}
	if !slices.ContainsFunc(got, func(h requests.Hold) bool { return h == want[0] }) ||
		!slices.ContainsFunc(got, func(h requests.Hold) bool { return h.Category == "user.financial" }) {
		t.Fatalf("holds of the held subject: %+v", got)
	}
	if got, err := e.svc.Holds.Held(ctx, e.tenant, free); err != nil || slices.ContainsFunc(got, func(h requests.Hold) bool { return h.Category == "*" }) {
		t.Fatalf("a released hold still keeps the subject: %+v %v", got, err)
	}

	f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: held, Type: "erasure", Confirmed: true})
	if err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	if r := e.get(t, f.Request.ID); r.Outcome != privet.OutcomeCompliedInPart {
		t.Fatalf("held erasure: status %s outcome %s", r.Status, r.Outcome)
	}
	if err := e.svc.Store.View(ctx, func(tx privet.Tx) error {
		sub, err := tx.Subject(ctx, e.tenant, held)
		if err == nil && (sub.Status == privet.StatusErased || len(sub.Identities) == 0) {
			t.Error("the held subject was erased")
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
