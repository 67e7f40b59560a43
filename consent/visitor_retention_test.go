package consent_test

import (
	"context"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
)

// TestVisitorChoicesExpireWithCookieRetention: the cipo-cloud policy keeps
// cookie data two years (rule usage_data), and retention then deletes a
// visitor's consent events. A visitor's choice or signal older than that
// counts as none, on a server that still holds it in memory and on one
// restarted after the deletion alike; a fresh one counts.
func TestVisitorChoicesExpireWithCookieRetention(t *testing.T) {
	eachStore(t, func(t *testing.T, st privet.Store) { testVisitorChoicesExpire(t, newEnv(t, st)) })
}

func testVisitorChoicesExpire(t *testing.T, e *env) {
	ctx := context.Background()
	const oldCookie, freshCookie, gpcCookie = "ck_visitor_old_000001", "ck_visitor_fresh_0002", "ck_visitor_gpc_000003"
	give := func(cookie string) {
		e.record(t, consent.RecordInput{Party: consent.Party{CookieID: cookie}, Purpose: analytics, State: privet.StateGiven,
			Source: privet.SourceBanner, Jurisdiction: "DE"})
	}
	// analytics.reporting is opt-in in the EU; targeted advertising is
	// opt-out in California, where the law honours GPC. The app says where
	// the visitor is: once its events expire, the ledger no longer knows.
	analyticsOf := func(svc *consent.Service, cookie string) consent.Decision {
		return e.decide(t, svc, consent.DecideInput{Party: consent.Party{CookieID: cookie}, Purpose: analytics, Jurisdiction: "DE"})
	}
	targetedOf := func(svc *consent.Service) consent.Decision {
		return e.decide(t, svc, consent.DecideInput{Party: consent.Party{CookieID: gpcCookie}, Purpose: targeted, Jurisdiction: "US-CA"})
	}
	give(oldCookie)
	if rec, err := e.svc.Signal(ctx, api, e.tenant, consent.SignalInput{Party: consent.Party{CookieID: gpcCookie}, Source: privet.SourceGPC}); err != nil || !rec {
		t.Fatalf("Signal = %v, %v", rec, err)
	}

	// Twenty-three months on, both still count.
	e.clock.Set(start.AddDate(0, 23, 0))
	if d := analyticsOf(e.svc, oldCookie); !d.Allowed || d.Reason != consent.ReasonConsentGiven {
		t.Errorf("23-month-old consent: %+v, want allowed", d)
	}
	if d := targetedOf(e.svc); d.Allowed || d.Reason != consent.ReasonGPC {
		t.Errorf("23-month-old GPC signal: %+v, want denied for gpc", d)
	}

	// Twenty-five months on, the old ones count as none, before any sweep.
	e.clock.Set(start.AddDate(0, 25, 0))
	give(freshCookie)
	check := func(name string, svc *consent.Service) {
		t.Helper()
		if d := analyticsOf(svc, oldCookie); d.Allowed || d.Reason != consent.ReasonNoConsent {
			t.Errorf("%s: 25-month-old consent: %+v, want denied, no consent", name, d)
		}
		if d := analyticsOf(svc, freshCookie); !d.Allowed || d.Reason != consent.ReasonConsentGiven {
			t.Errorf("%s: fresh consent: %+v, want allowed", name, d)
		}
		if d := targetedOf(svc); !d.Allowed || d.Reason != consent.ReasonNotOptedOut {
			t.Errorf("%s: 25-month-old GPC signal: %+v, want allowed, not opted out", name, d)
		}
	}
	check("running", e.svc)
	check("restarted before the sweep", e.service())

	// Retention deletes them; a server restarted since decides the same.
	pol := e.pol
	_, cut, ok := pol.VisitorRule(e.clock.Now())
	if !ok {
		t.Fatal("the policy has no rule over cookie data")
	}
	var deleted int
	if err := e.store.Update(ctx, func(tx privet.Tx) (err error) {
		deleted, err = tx.DeleteVisitorConsentBefore(ctx, e.tenant, cut, 100)
		return err
	}); err != nil || deleted != 2 {
		t.Fatalf("DeleteVisitorConsentBefore = %d, %v; want the 2 old events", deleted, err)
	}
	check("running after the sweep", e.svc)
	check("restarted after the sweep", e.service())

	// The browser still sends GPC: it is recorded again, and counts again.
	if rec, err := e.svc.Signal(ctx, api, e.tenant, consent.SignalInput{Party: consent.Party{CookieID: gpcCookie}, Source: privet.SourceGPC}); err != nil || !rec {
		t.Errorf("Signal after the old one expired = %v, %v; want recorded", rec, err)
	}
	if d := targetedOf(e.svc); d.Allowed || d.Reason != consent.ReasonGPC {
		t.Errorf("renewed GPC signal: %+v, want denied for gpc", d)
	}
}

// TestVisitorChoicesKeptWithoutCookieRetention: a policy with no rule over
// cookie data keeps visitors' choices as long as they stand.
func TestVisitorChoicesKeptWithoutCookieRetention(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	pol := loadPolicy(t)
	rules := pol.Policy.Retention.Rules[:0]
	for _, r := range pol.Policy.Retention.Rules {
		if r.Key != "usage_data" {
			rules = append(rules, r)
		}
	}
	pol.Policy.Retention.Rules = rules
	if _, _, ok := pol.VisitorRule(start); ok {
		t.Fatal("the policy still has a rule over cookie data")
	}
	e.pol = pol
	e.svc = e.service()
	const cookie = "ck_visitor_kept_00001"
	e.record(t, consent.RecordInput{Party: consent.Party{CookieID: cookie}, Purpose: analytics, State: privet.StateGiven,
		Source: privet.SourceBanner, Jurisdiction: "DE"})
	e.clock.Set(start.AddDate(5, 0, 0))
	for name, svc := range map[string]*consent.Service{"running": e.svc, "restarted": e.service()} {
		if d := e.decide(t, svc, consent.DecideInput{Party: consent.Party{CookieID: cookie}, Purpose: analytics}); !d.Allowed {
			t.Errorf("%s: five-year-old consent without a cookie rule: %+v, want allowed", name, d)
		}
	}
}

// TestVisitorLinkedAfterExpiryJoinsOnlyKeptChoices: a visitor linked to a
// subject after its choice expired brings only what retention still keeps,
// on the server that held the old choice in memory and on one restarted
// before the sweep (the event still stored) alike.
func TestVisitorLinkedAfterExpiryJoinsOnlyKeptChoices(t *testing.T) {
	eachStore(t, func(t *testing.T, st privet.Store) {
		e := newEnv(t, st)
		ctx := context.Background()
		const oldCookie, freshCookie = "ck_linked_old_0000001", "ck_linked_fresh_00002"
		give := func(cookie string) {
			e.record(t, consent.RecordInput{Party: consent.Party{CookieID: cookie}, Purpose: analytics, State: privet.StateGiven,
				Source: privet.SourceBanner, Jurisdiction: "DE"})
		}
		give(oldCookie)
		e.clock.Set(start.AddDate(0, 24, 0))
		give(freshCookie)
		e.clock.Set(start.AddDate(0, 25, 0))
		expired, fresh := e.subject(t, "DE", "", privet.StatusActive), e.subject(t, "DE", "", privet.StatusActive)
		for sub, cookie := range map[string]string{expired: oldCookie, fresh: freshCookie} {
			if err := e.svc.Link(ctx, api, e.tenant, sub, cookie); err != nil {
				t.Fatalf("Link: %v", err)
			}
		}
		for name, svc := range map[string]*consent.Service{"running": e.svc, "restarted": e.service()} {
			if d := e.decide(t, svc, consent.DecideInput{Party: consent.Party{SubjectID: expired}, Purpose: analytics}); d.Allowed || d.Reason != consent.ReasonNoConsent {
				t.Errorf("%s: subject linked to a visitor whose consent expired: %+v, want denied, no consent", name, d)
			}
			if d := e.decide(t, svc, consent.DecideInput{Party: consent.Party{SubjectID: fresh}, Purpose: analytics}); !d.Allowed || d.Reason != consent.ReasonConsentGiven {
				t.Errorf("%s: subject linked to a visitor with a kept consent: %+v, want allowed", name, d)
			}
		}
	})
}
