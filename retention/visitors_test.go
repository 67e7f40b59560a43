package retention_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/retention"
	"github.com/privet-dev/privet/storetest"
)

// The cipo-cloud policy keeps usage and cookie data two years from
// collection (rule usage_data, over user.device.cookie_id, action
// anonymize): a visitor's consent events go after two years, deleted.

func (e *env) visitorConsent(cookieID, subjectID, purpose string, state privet.ConsentState) *privet.ConsentEvent {
	e.t.Helper()
	ev, err := e.svc.Consent.Record(context.Background(), admin, e.tenant, consent.RecordInput{
		Party: consent.Party{SubjectID: subjectID, CookieID: cookieID}, Purpose: purpose, State: state,
		Source: privet.SourceBanner, Jurisdiction: "DE", UserAgent: "Mozilla/5.0", IP: "203.0.113.7"})
	if err != nil {
		e.t.Fatal(err)
	}
	return ev
}

func (e *env) hasConsentEvent(id string) bool {
	e.t.Helper()
	err := e.svc.Store.View(context.Background(), func(tx privet.Tx) error {
		_, err := tx.ConsentEvent(context.Background(), e.tenant, id)
		return err
	})
	if err != nil && privet.ErrorCode(err) != privet.ENOTFOUND {
		e.t.Fatal(err)
	}
	return err == nil
}

func TestVisitorConsentSwept(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) { testVisitorConsentSwept(t, newEnvOn(t, engine)) })
	}
}

func testVisitorConsentSwept(t *testing.T, e *env) {
	ctx := context.Background()
	start := e.clock.Now()
	e.ret.Batch = 2

	// Twenty-five months ago: two visitors' choices, a subject's, and a
	// visitor who later became that subject.
	ada := e.subject("ada@example.com")
	old := []*privet.ConsentEvent{
		e.visitorConsent("ck_visitor_one_0001", "", marketing, privet.StateGiven),
		e.visitorConsent("ck_visitor_one_0001", "", "analytics.reporting", privet.StateRefused),
		e.visitorConsent("ck_visitor_two_0002", "", marketing, privet.StateRefused),
	}
	kept := []*privet.ConsentEvent{
		e.consent(ada, marketing, privet.StateGiven),
		e.visitorConsent("ck_visitor_ada_0003", "", marketing, privet.StateGiven),
	}
	e.clock.Advance(day)
	e.visitorConsent("ck_visitor_ada_0003", ada, "analytics.reporting", privet.StateGiven) // links
	// Twenty-three months ago.
	e.clock.Set(start.AddDate(0, 2, 0))
	kept = append(kept, e.visitorConsent("ck_visitor_one_0001", "", marketing, privet.StateWithdrawn))

	e.clock.Set(start.AddDate(0, 25, 0))
	// Events up to exactly two years ago are due: the bound is the first
	// second whose period has not ended.
	cut := start.AddDate(0, 1, 0).Add(time.Second)
	plan, err := e.ret.PlanRecords(ctx, e.tenant)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) == 0 || !plan[0].Visitors || plan[0].RuleKey != "usage_data" || plan[0].Record != privet.RecordConsentEvents ||
		plan[0].Action != privet.RetentionDelete || plan[0].Due != int64(len(old)) || !plan[0].DueBefore.Equal(cut) {
		t.Fatalf("PlanRecords = %+v; want first the %d visitor events due before %s under usage_data", plan, len(old), cut)
	}

	rep := e.sweep()
	want := retention.RecordReport{TenantID: e.tenant, RuleKey: "usage_data", Record: privet.RecordConsentEvents, Action: privet.RetentionDelete, Count: len(old)}
	found := false
	for _, r := range rep.Records {
		found = found || r == want
	}
	if !found {
		t.Errorf("report records = %+v, want %+v", rep.Records, want)
	}
	for _, ev := range old {
		if e.hasConsentEvent(ev.ID) {
			t.Errorf("the visitor's 25-month-old event %s was kept", ev.ID)
		}
	}
	for _, ev := range kept {
		if !e.hasConsentEvent(ev.ID) {
			t.Errorf("event %s (subject %q, %s) was deleted", ev.ID, ev.SubjectID, ev.Time)
		}
	}

	// One audit event per batch of two, naming the rule, the count and the
	// time bound, and no person.
	var evs []*privet.AuditEvent
	if err := e.svc.Store.View(ctx, func(tx privet.Tx) (err error) {
		evs, err = tx.AuditEvents(ctx, e.tenant, privet.AuditQuery{Action: "retention.delete", Limit: 100})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, ev := range evs {
		if strings.Contains(ev.Reason, "of visitors") {
			reasons = append(reasons, ev.Reason)
			if ev.SubjectID != "" || ev.ActorType != privet.ActorSystem {
				t.Errorf("audit event %+v names a subject or is not the system's", ev)
			}
		}
	}
	bound := cut.Format(time.RFC3339)
	if len(reasons) != 2 || reasons[0] != "rule usage_data; 2 consent_events of visitors due before "+bound ||
		reasons[1] != "rule usage_data; 1 consent_events of visitors due before "+bound {
		t.Errorf("audit reasons = %q", reasons)
	}

	// A second sweep finds nothing more.
	rep = e.sweep()
	for _, r := range rep.Records {
		if r.Record == privet.RecordConsentEvents {
			t.Errorf("second sweep: %+v", r)
		}
	}
}
