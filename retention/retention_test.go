package retention_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/privettest"
	"github.com/privet-dev/privet/retention"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/vault"
)

var admin = privet.Actor{Type: privet.ActorAdmin, ID: "op"}

type env struct {
	t      *testing.T
	svc    *privettest.Services
	ret    *retention.Service
	clock  *privet.ManualClock
	tenant string
}

// newEnv builds services over a fresh SQLite store with the cipo-cloud policy
// (account data deleted 180 days after closing; usage data anonymized two
// years after collection, keeping coarse location; children under 13
// deleted), all on a manual clock.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, "sqlite")
}

func newEnvOn(t *testing.T, engine string) *env {
	t.Helper()
	svc := privettest.NewOn(t, engine, "cipo-cloud")
	clock := privet.NewManualClock(time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC))
	svc.Vault.Clock, svc.Consent.Clock, svc.Tenancy.Clock = clock, clock, clock
	tn, err := svc.Tenancy.CreateTenant(context.Background(), "Acme")
	if err != nil {
		t.Fatal(err)
	}
	templates, err := notify.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	ret := &retention.Service{Store: svc.Store, Keys: svc.Keys, Vault: svc.Vault, Policies: svc.Vault.Policies, Clock: clock, Templates: templates}
	return &env{t: t, svc: svc, ret: ret, clock: clock, tenant: tn.ID}
}

func (e *env) subject(email string, fields ...vault.FieldInput) string {
	e.t.Helper()
	v, err := e.svc.Vault.Create(context.Background(), admin, e.tenant, vault.CreateInput{
		Jurisdiction: "DE",
		Identities:   []vault.IdentityInput{{Type: privet.IdentityEmail, Value: email}},
		Fields:       append([]vault.FieldInput{{Name: "name", Category: "user.name", Value: "Ada"}}, fields...),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return v.ID
}

func (e *env) stored(id string) *privet.Subject {
	e.t.Helper()
	var s *privet.Subject
	if err := e.svc.Store.View(context.Background(), func(tx privet.Tx) (err error) {
		s, err = tx.Subject(context.Background(), e.tenant, id)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) sweep() *retention.Report {
	e.t.Helper()
	rep, err := e.ret.Sweep(context.Background(), e.clock.Now())
	if err != nil {
		e.t.Fatalf("Sweep: %v", err)
	}
	return rep
}

func (e *env) events(id, action string) int {
	e.t.Helper()
	var n int
	if err := e.svc.Store.View(context.Background(), func(tx privet.Tx) error {
		evs, err := tx.AuditEvents(context.Background(), e.tenant, privet.AuditQuery{SubjectID: id, Action: action, Limit: 1000})
		n = len(evs)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) hasKey(id string) bool {
	_, err := e.svc.Keys.DataKey(context.Background(), e.tenant, id)
	return err == nil
}

const day = 24 * time.Hour

// closedSubjects makes n subjects (emails of 1..n times letter), closes each
// account, and moves the clock past their 180-day period.
func (e *env) closedSubjects(n int, letter string) []string {
	e.t.Helper()
	var ids []string
	for i := range n {
		id := e.subject(strings.Repeat(letter, i+1) + "@example.com")
		if err := e.ret.Close(context.Background(), admin, e.tenant, id); err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	e.clock.Advance(181 * day)
	return ids
}

// erasedOnce checks that every subject is erased, its key destroyed and its
// erasure audited exactly once, and that one more sweep finds nothing left.
func (e *env) erasedOnce(ids []string) {
	e.t.Helper()
	for _, id := range ids {
		if e.stored(id).Status != privet.StatusErased || e.hasKey(id) {
			e.t.Errorf("subject %s not erased and shredded", id)
		}
		if n := e.events(id, "retention.delete"); n != 1 {
			e.t.Errorf("subject %s: %d retention.delete events, want 1", id, n)
		}
	}
	if rep := e.sweep(); rep.Due != 0 {
		e.t.Errorf("a further sweep found %d items", rep.Due)
	}
}

func TestClosedAccountErasedAfterItsPeriod(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) { testClosedAccountErasedAfterItsPeriod(t, newEnvOn(t, engine)) })
	}
}

func testClosedAccountErasedAfterItsPeriod(t *testing.T, e *env) {
	ctx := context.Background()
	id := e.subject("ada@example.com")
	if err := e.ret.Close(ctx, admin, e.tenant, id); err != nil {
		t.Fatal(err)
	}
	// Closing schedules; it does not delete.
	if s := e.stored(id); s.Status != privet.StatusClosed || len(s.Fields) != 1 {
		t.Fatalf("after close: %+v", s)
	}
	e.clock.Advance(179 * day)
	if rep := e.sweep(); rep.Due != 0 || e.stored(id).Status != privet.StatusClosed {
		t.Fatalf("swept before the period ended: %+v", rep)
	}
	e.clock.Advance(2 * day)
	rep := e.sweep()
	if rep.Due != 1 || rep.Erased != 1 || rep.Done != 1 {
		t.Fatalf("report = %+v, want one subject erased", rep)
	}
	s := e.stored(id)
	if s.Status != privet.StatusErased || len(s.Identities)+len(s.Fields) != 0 {
		t.Fatalf("subject not erased: %+v", s)
	}
	if e.hasKey(id) {
		t.Error("data key survived the erasure")
	}
	if n := e.events(id, "retention.delete"); n != 1 {
		t.Errorf("retention.delete events = %d, want 1", n)
	}
	// A second sweep finds nothing to do and audits nothing more.
	if rep := e.sweep(); rep.Due != 0 {
		t.Errorf("second sweep = %+v", rep)
	}
	if n := e.events(id, "retention.delete"); n != 1 {
		t.Errorf("retention.delete events after a second sweep = %d, want 1", n)
	}
}

func TestReopenDropsTheSchedule(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.subject("ada@example.com")
	if err := e.ret.Close(ctx, admin, e.tenant, id); err != nil {
		t.Fatal(err)
	}
	if err := e.ret.Reopen(ctx, admin, e.tenant, id); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(400 * day)
	if rep := e.sweep(); rep.Due != 0 || e.stored(id).Status != privet.StatusActive {
		t.Fatalf("a reopened account was swept: %+v", rep)
	}
}

func TestHeldSubjectSurvivesWithTheReason(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) { testHeldSubjectSurvivesWithTheReason(t, newEnvOn(t, engine)) })
	}
}

func testHeldSubjectSurvivesWithTheReason(t *testing.T, e *env) {
	ctx := context.Background()
	held, free := e.subject("held@example.com"), e.subject("free@example.com")
	for _, id := range []string{held, free} {
		if err := e.ret.Close(ctx, admin, e.tenant, id); err != nil {
			t.Fatal(err)
		}
	}
	h, err := e.ret.PlaceHold(ctx, admin, e.tenant, retention.HoldInput{SubjectID: held, Reason: "litigation 2025-17"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(200 * day)
	rep := e.sweep()
	if rep.Erased != 1 || len(rep.Held) != 1 || rep.Held[0].SubjectID != held || rep.Held[0].Reason != "litigation 2025-17" || rep.Held[0].HoldID != h.ID {
		t.Fatalf("report = %+v, want the free subject erased and the held one reported with its reason", rep)
	}
	if e.stored(held).Status != privet.StatusClosed || !e.hasKey(held) {
		t.Fatal("held subject was touched")
	}
	// An erasure request waits for the hold too.
	err = e.svc.Vault.Erase(ctx, admin, e.tenant, held)
	if privet.ErrorCode(err) != privet.ECONFLICT || !strings.Contains(err.Error(), h.ID) {
		t.Fatalf("Erase of a held subject = %v, want ECONFLICT naming the hold", err)
	}
	// The plan shows the hold; released, the next sweep erases. (The
	// consent history rule is due years later: not within the year asked.)
	page, err := e.ret.Plan(ctx, e.tenant, privet.RetentionFilter{Before: e.clock.Now().AddDate(1, 0, 0)})
	if err != nil || len(page.Items) != 1 || page.Items[0].HoldID != h.ID {
		t.Fatalf("Plan = %+v, %v", page, err)
	}
	if _, err := e.ret.ReleaseHold(ctx, admin, e.tenant, h.ID); err != nil {
		t.Fatal(err)
	}
	if rep := e.sweep(); rep.Erased != 1 || e.stored(held).Status != privet.StatusErased {
		t.Fatalf("after release: %+v", rep)
	}
}

func TestCategoryHoldKeepsTheSubjectWhole(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.subject("ada@example.com", vault.FieldInput{Name: "job", Category: "user.professional_information", Value: "engineer"})
	if err := e.ret.Close(ctx, admin, e.tenant, id); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ret.PlaceHold(ctx, admin, e.tenant, retention.HoldInput{Category: "user.professional_information", Reason: "employment dispute"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(200 * day)
	rep := e.sweep()
	if len(rep.Held) != 1 || rep.Held[0].Category != "user.professional_information" || rep.Erased != 0 {
		t.Fatalf("report = %+v", rep)
	}
	if s := e.stored(id); len(s.Fields) != 2 || len(s.Identities) != 1 {
		t.Fatalf("held data changed: %+v", s)
	}
}

// TestCrashMidSweepFinishesWithoutDoubleEffects cancels a sweep in the
// middle, then sweeps again: every subject is erased once, with one audit
// event each, and every key is gone.
func TestCrashMidSweepFinishesWithoutDoubleEffects(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) { testCrashMidSweepFinishesWithoutDoubleEffects(t, newEnvOn(t, engine)) })
	}
}

func testCrashMidSweepFinishesWithoutDoubleEffects(t *testing.T, e *env) {
	ctx := context.Background()
	ids := e.closedSubjects(23, "x")
	e.ret.Batch = 5
	crash, cancel := context.WithCancel(ctx)
	changed := 0
	e.ret.Changed = func(string, string) {
		if changed++; changed == 7 {
			cancel() // in the middle of the second batch's follow-up
		}
	}
	rep, err := e.ret.Sweep(crash, e.clock.Now())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Sweep = %+v, %v; want it cancelled", rep, err)
	}
	if rep.Erased == 0 || rep.Erased == len(ids) {
		t.Fatalf("the first sweep erased %d of %d: not a crash in the middle", rep.Erased, len(ids))
	}
	e.ret.Changed = nil
	rep = e.sweep()
	if rep.Due == 0 {
		t.Fatal("the rerun found nothing left")
	}
	e.erasedOnce(ids)
}

// TestAnonymizeKeepsOnlyGroupsOfK: usage data is anonymized two years after
// collection; coarse location is kept only for a combination at least five
// subjects share.
func TestAnonymizeKeepsOnlyGroupsOfK(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) { testAnonymizeKeepsOnlyGroupsOfK(t, newEnvOn(t, engine)) })
	}
}

func testAnonymizeKeepsOnlyGroupsOfK(t *testing.T, e *env) {
	ctx := context.Background()
	var ids []string
	for i, place := range []string{"Berlin", "Berlin", "Berlin", "Berlin", "Berlin", "Berlin", "Vaduz", "Vaduz"} {
		id := e.subject(strings.Repeat("y", i+1)+"@example.com",
			vault.FieldInput{Name: "region", Category: "user.location.coarse", Value: place},
			vault.FieldInput{Name: "device", Category: "user.device", Value: "phone-" + place})
		if err := e.ret.Collected(ctx, e.tenant, id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	e.clock.Advance(2*365*day + 2*day)
	rep := e.sweep()
	if rep.Anonymized != 6 || rep.Suppressed != 2 || rep.Erased != 0 {
		t.Fatalf("report = %+v, want 6 kept and 2 suppressed", rep)
	}
	var counts []privet.RetentionCount
	if err := e.svc.Store.View(ctx, func(tx privet.Tx) (err error) {
		counts, err = tx.RetentionCounts(ctx, e.tenant)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(counts) != 1 || counts[0].Combination != `{"user.location.coarse":"Berlin"}` || counts[0].Count != 6 {
		t.Fatalf("counts = %+v, want only Berlin with 6", counts)
	}
	for _, id := range ids {
		s := e.stored(id)
		if len(s.Fields) != 1 || s.Fields[0].Category != "user.name" {
			t.Errorf("usage data left on %s: %+v", id, s.Fields)
		}
		if n := e.events(id, "retention.anonymize"); n != 1 {
			t.Errorf("%s: %d anonymize events", id, n)
		}
	}
}

func TestChildWithoutGuardianConsentDeletedAtOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	child, guarded, adult := e.subject("kid@example.com"), e.subject("kid2@example.com"), e.subject("grown@example.com")
	if _, err := e.svc.Consent.Record(ctx, admin, e.tenant, consent.RecordInput{
		Party: consent.Party{SubjectID: guarded}, Purpose: "marketing.communications.email",
		State: privet.StateGiven, Source: privet.SourceAdmin, Guardian: true,
	}); err != nil {
		t.Fatal(err)
	}
	out, err := e.ret.AgeLearned(ctx, admin, e.tenant, child, 11)
	if err != nil || out.Action != "delete" {
		t.Fatalf("AgeLearned(child) = %+v, %v", out, err)
	}
	if e.stored(child).Status != privet.StatusErased || e.hasKey(child) || e.events(child, "children.delete") != 1 {
		t.Fatal("child not erased and audited")
	}
	for _, id := range []string{guarded, adult} {
		age := 11
		if id == adult {
			age = 40
		}
		out, err := e.ret.AgeLearned(ctx, admin, e.tenant, id, age)
		if err != nil || out.Action != "" || e.stored(id).Status != privet.StatusActive {
			t.Fatalf("AgeLearned(%d) = %+v, %v: want nothing done", age, out, err)
		}
	}
	if got := e.stored(adult).AgeBand; got != "adult" {
		t.Errorf("age band = %q", got)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.subject("ada@example.com")
	other, err := e.svc.Tenancy.CreateTenant(ctx, "Other")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		call  func() error
		code  string
		field string
	}{
		{"hold without a reason", func() error {
			_, err := e.ret.PlaceHold(ctx, admin, e.tenant, retention.HoldInput{SubjectID: id, Reason: "  "})
			return err
		}, privet.EINVALID, "reason"},
		{"hold on nothing", func() error {
			_, err := e.ret.PlaceHold(ctx, admin, e.tenant, retention.HoldInput{Reason: "x"})
			return err
		}, privet.EINVALID, "subject_id"},
		{"hold on a category not collected", func() error {
			_, err := e.ret.PlaceHold(ctx, admin, e.tenant, retention.HoldInput{Category: "user.biometric", Reason: "x"})
			return err
		}, privet.EINVALID, "category"},
		{"hold on an unknown subject", func() error {
			_, err := e.ret.PlaceHold(ctx, admin, e.tenant, retention.HoldInput{SubjectID: "sub_nope", Reason: "x"})
			return err
		}, privet.ENOTFOUND, "subject_id"},
		{"hold on another tenant's subject", func() error {
			_, err := e.ret.PlaceHold(ctx, admin, other.ID, retention.HoldInput{SubjectID: id, Reason: "x"})
			return err
		}, privet.ENOTFOUND, "subject_id"},
		{"close an unknown subject", func() error { return e.ret.Close(ctx, admin, e.tenant, "sub_nope") }, privet.ENOTFOUND, "subject_id"},
		{"touch another tenant's subject", func() error { return e.ret.Touch(ctx, admin, other.ID, id) }, privet.ENOTFOUND, "subject_id"},
		{"relationship ended with one unknown", func() error {
			return e.ret.RelationshipEnded(ctx, admin, e.tenant, []string{id, "sub_nope"})
		}, privet.ENOTFOUND, "subject_ids[1]"},
		{"relationship ended for no one", func() error { return e.ret.RelationshipEnded(ctx, admin, e.tenant, nil) }, privet.EINVALID, "subject_ids"},
		{"consent withdrawn for an undeclared purpose", func() error {
			return e.ret.ConsentWithdrawn(ctx, admin, e.tenant, id, "nope")
		}, privet.EINVALID, "purpose"},
		{"an impossible age", func() error { _, err := e.ret.AgeLearned(ctx, admin, e.tenant, id, -1); return err }, privet.EINVALID, "age"},
		{"age of an unknown subject", func() error { _, err := e.ret.AgeLearned(ctx, admin, e.tenant, "sub_nope", 10); return err }, privet.ENOTFOUND, "subject_id"},
		{"release an unknown hold", func() error { _, err := e.ret.ReleaseHold(ctx, admin, e.tenant, "hld_nope"); return err }, privet.ENOTFOUND, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var pe *privet.Error
			if privet.ErrorCode(err) != tt.code || !errors.As(err, &pe) || pe.Field != tt.field {
				t.Fatalf("err = %v (field %q), want %s on %q", err, privet.ErrorField(err), tt.code, tt.field)
			}
		})
	}
	// Nothing was written: no hold, nothing scheduled, the subject untouched.
	if hs, err := e.ret.Holds(ctx, e.tenant, privet.HoldFilter{}); err != nil || len(hs) != 0 {
		t.Errorf("holds = %v, %v", hs, err)
	}
	if page, err := e.ret.Plan(ctx, e.tenant, privet.RetentionFilter{}); err != nil || len(page.Items) != 0 {
		t.Errorf("plan = %+v, %v", page, err)
	}
	if s := e.stored(id); s.Status != privet.StatusActive || s.AgeBand != "" {
		t.Errorf("subject changed: %+v", s)
	}
}

// outbox is a notify.Sender that keeps what it was given.
type outbox struct {
	sent []notify.Message
	fail bool
}

// reach is a Reacher that emails through o.
func (e *env) reach(o *outbox) *notify.Reacher {
	return &notify.Reacher{Contacts: e.svc.Vault, Mail: o}
}

func (o *outbox) Send(_ context.Context, m notify.Message) error {
	if o.fail {
		return privet.Errorf(privet.EUNAVAILABLE, "mail server down")
	}
	o.sent = append(o.sent, m)
	return nil
}

// TestWindDown tells every subject once, even across an interrupted run,
// and erases everyone after the notice period.
func TestWindDown(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.subject("a@example.com"), e.subject("b@example.com")
	if _, err := e.ret.WindDown(ctx, admin, e.tenant, "soon", e.reach(&outbox{})); privet.ErrorField(err) != "notice_period" {
		t.Fatalf("bad period: %v", err)
	}
	// The mail server fails at once: nothing is scheduled, the run can be repeated.
	if _, err := e.ret.WindDown(ctx, admin, e.tenant, "30d", e.reach(&outbox{fail: true})); privet.ErrorCode(err) != privet.EUNAVAILABLE {
		t.Fatalf("failing sender: %v", err)
	}
	if _, err := e.ret.WindDown(ctx, admin, e.tenant, "30d", &notify.Reacher{Contacts: e.svc.Vault}); privet.ErrorCode(err) != privet.EUNAVAILABLE {
		t.Fatalf("no sender at all: %v", err)
	}
	box := &outbox{}
	rep, err := e.ret.WindDown(ctx, admin, e.tenant, "30d", e.reach(box))
	if err != nil || rep.Notified != 2 || rep.Subjects != 2 || rep.Action != "anonymize" {
		t.Fatalf("WindDown = %+v, %v", rep, err)
	}
	if len(box.sent) != 2 || !strings.Contains(box.sent[0].Subject, "is closing") || !strings.Contains(box.sent[0].Text, "anonymous statistics") ||
		!strings.HasSuffix(box.sent[0].To, "@example.com") || box.sent[0].HTML == "" || box.sent[0].SMS == "" {
		t.Fatalf("notices = %+v", box.sent)
	}
	again := &outbox{}
	if rep, err := e.ret.WindDown(ctx, admin, e.tenant, "30d", e.reach(again)); err != nil || rep.Already != 2 || len(again.sent) != 0 {
		t.Fatalf("second run = %+v, %v, sent %d: want no notice twice", rep, err, len(again.sent))
	}
	e.clock.Advance(29 * day)
	if rep := e.sweep(); rep.Due != 0 {
		t.Fatalf("swept before the notice period ended: %+v", rep)
	}
	e.clock.Advance(2 * day)
	if rep := e.sweep(); rep.Erased != 2 {
		t.Fatalf("after the notice period: %+v", rep)
	}
	for _, id := range []string{a, b} {
		if e.stored(id).Status != privet.StatusErased || e.events(id, "winddown.notice") != 1 {
			t.Errorf("subject %s not erased or not audited once", id)
		}
	}
}

// Two rules over different data of one subject, due in the same sweep,
// together leave nothing of it: the subject is erased and its key destroyed,
// not left as an empty shell (kipsu: contact data deleted and messages
// anonymized two years after a guest's last message).
func TestRulesThatTogetherEmptyASubjectEraseIt(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			svc := privettest.NewOn(t, engine, "kipsu")
			clock := privet.NewManualClock(time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC))
			svc.Vault.Clock, svc.Consent.Clock, svc.Tenancy.Clock = clock, clock, clock
			tn, err := svc.Tenancy.CreateTenant(ctx, "Kipsu")
			if err != nil {
				t.Fatal(err)
			}
			e := &env{t: t, svc: svc, clock: clock, tenant: tn.ID,
				ret: &retention.Service{Store: svc.Store, Keys: svc.Keys, Vault: svc.Vault, Policies: svc.Vault.Policies, Clock: clock}}
			v, err := svc.Vault.Create(ctx, admin, e.tenant, vault.CreateInput{
				Jurisdiction: "US-MN",
				Identities:   []vault.IdentityInput{{Type: privet.IdentityPhone, Value: "+16125550100"}},
				Fields: []vault.FieldInput{{Name: "name", Category: "user.name", Value: "Gus"},
					{Name: "message.1", Category: "user.content.private", Value: "towels"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := e.ret.Touch(ctx, admin, e.tenant, v.ID); err != nil {
				t.Fatal(err)
			}
			clock.Advance(2*366*day + day)
			if rep := e.sweep(); rep.Due != 2 || rep.Erased != 1 {
				t.Fatalf("report = %+v, want two items and the subject erased", rep)
			}
			if s := e.stored(v.ID); s.Status != privet.StatusErased {
				t.Errorf("subject left %s with nothing in it", s.Status)
			}
			if e.hasKey(v.ID) {
				t.Error("data key survived the erasure")
			}
		})
	}
}

// Data is scheduled when it is collected: a subject created through the
// vault (with retention's hook, as the server wires it) has its usage data
// due two years later, in the same transaction as its creation, and the
// sweep then acts on it.
func TestCollectionSchedulesItsRules(t *testing.T) {
	e := newEnv(t)
	e.svc.Vault.Created = retention.ScheduleCollected
	id := e.subject("collected@example.com", vault.FieldInput{Name: "cookie", Category: "user.device.cookie_id", Value: "c-123"})
	var items []privet.RetentionItem
	if err := e.svc.Store.View(context.Background(), func(tx privet.Tx) (err error) {
		items, err = tx.ScheduledRetention(context.Background(), e.tenant, privet.RetentionFilter{SubjectID: id, Limit: 100})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var due time.Time
	for _, it := range items {
		if it.RuleKey == "usage_data" {
			due = it.DueAt
		}
	}
	if want := e.clock.Now().AddDate(2, 0, 0); !due.Equal(want) {
		t.Fatalf("usage data due %v, want %v (items %+v)", due, want, items)
	}
	e.clock.Advance(2*365*day + 2*day)
	e.sweep()
	for _, f := range e.stored(id).Fields {
		if f.Category == "user.device.cookie_id" {
			t.Fatal("the cookie id outlived its two years")
		}
	}
}

// failingKeys is a key store whose batch destruction of keys fails from the
// failAt-th call on, as a key store gone away would.
type failingKeys struct {
	privet.DataKeyStore
	calls, failAt int
}

func (k *failingKeys) DeleteDataKeys(ctx context.Context, tenantID string, ids []string) error {
	if k.calls++; k.calls >= k.failAt {
		return privet.Errorf(privet.EUNAVAILABLE, "key store unavailable")
	}
	for _, id := range ids {
		if err := k.DeleteDataKey(ctx, tenantID, id); err != nil {
			return err
		}
	}
	return nil
}

// TestKeysNotDestroyedKeepTheirItems: keys are destroyed while the next
// batch is written, and an item leaves the schedule only once its subject's
// key is gone; when the key store fails, the items of the subjects whose keys
// remain stay scheduled, and the next sweep destroys the keys and finishes
// without a second erasure or audit event.
func TestKeysNotDestroyedKeepTheirItems(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) { testKeysNotDestroyedKeepTheirItems(t, newEnvOn(t, engine)) })
	}
}

func testKeysNotDestroyedKeepTheirItems(t *testing.T, e *env) {
	ctx := context.Background()
	ids := e.closedSubjects(17, "k")
	e.ret.Batch = 5
	keys := e.ret.Keys
	e.ret.Keys = &failingKeys{DataKeyStore: keys, failAt: 3}
	if _, err := e.ret.Sweep(ctx, e.clock.Now()); privet.ErrorCode(err) != privet.EUNAVAILABLE {
		t.Fatalf("Sweep = %v; want the key store's failure", err)
	}
	scheduled := map[string]bool{}
	if err := e.svc.Store.View(ctx, func(tx privet.Tx) error {
		items, err := tx.ScheduledRetention(ctx, e.tenant, privet.RetentionFilter{Limit: 1000})
		for _, it := range items {
			if it.RuleKey == "account_data" { // consent history stays scheduled for years
				scheduled[it.SubjectID] = true
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var erasedWithKey, gone int
	for _, id := range ids {
		if !scheduled[id] {
			gone++
			if e.hasKey(id) {
				t.Errorf("subject %s left the schedule with its key", id)
			}
		}
		if e.stored(id).Status == privet.StatusErased && e.hasKey(id) {
			erasedWithKey++
			if !scheduled[id] {
				t.Errorf("subject %s erased, key kept, item gone", id)
			}
		}
	}
	if gone == 0 || erasedWithKey == 0 {
		t.Fatalf("%d items gone, %d erased subjects with keys: the failure was not in the middle", gone, erasedWithKey)
	}
	e.ret.Keys = keys
	e.sweep()
	e.erasedOnce(ids)
}
