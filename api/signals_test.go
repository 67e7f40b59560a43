package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/policies"
	"github.com/privet-dev/privet/tenancy"
)

// signalEvents counts the tenant's events from a source, for anyone.
func signalEvents(t *testing.T, e *env, tenantID string, src privet.ConsentSource) int {
	t.Helper()
	var evs []*privet.ConsentEvent
	if err := e.services.Store.View(context.Background(), func(tx privet.Tx) (err error) {
		evs, err = tx.ConsentEventsAfter(context.Background(), 0, 10000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range evs {
		if ev.TenantID == tenantID && ev.Source == src {
			n++
		}
	}
	return n
}

// TestGPCOnEveryPublicRequest sends Sec-GPC: 1 on public requests that
// name a person and finds it recorded once per person, whatever the route.
func TestGPCOnEveryPublicRequest(t *testing.T) {
	e := newChannelEnv(t)
	sub := e.subjectWithPhone(t, "+14155550100")
	path := strings.TrimPrefix(e.link(t, `{"subject_id":"`+sub+`","purpose":"`+pypeEmail+`"}`).URL, "http://example.com")
	gpc := []string{"Sec-GPC", "1"}
	if w := e.do(t, "GET", path, "", "", gpc...); w.Code != 200 {
		t.Fatalf("unsubscribe page: %d %s", w.Code, w.Body)
	}
	if n := signalEvents(t, e.env, e.tenantA, privet.SourceGPC); n != 1 {
		t.Fatalf("after the unsubscribe page with Sec-GPC, %d GPC events, want 1", n)
	}
	if !e.allowed(t, sub, pypeEmail) {
		t.Error("a GPC signal must not unsubscribe from email: it stops sale, sharing and targeted ads")
	}
	// The same person again, on another route: not recorded twice.
	if w := e.do(t, "GET", path, "", "", gpc...); w.Code != 200 {
		t.Fatal(w.Code)
	}
	if n := signalEvents(t, e.env, e.tenantA, privet.SourceGPC); n != 1 {
		t.Errorf("a second request recorded again: %d GPC events, want 1", n)
	}
	// Without the header, nothing.
	other := e.subjectWithPhone(t, "+14155550101")
	path2 := strings.TrimPrefix(e.link(t, `{"subject_id":"`+other+`","purpose":"`+pypeEmail+`"}`).URL, "http://example.com")
	e.do(t, "GET", path2, "", "")
	if n := signalEvents(t, e.env, e.tenantA, privet.SourceGPC); n != 1 {
		t.Errorf("a request without Sec-GPC recorded a signal: %d", n)
	}

	// The banner endpoint: many posts with the header, one event.
	body := `{"tenant":"` + e.tenantA + `","cookie_id":"visitor_gpc_abcdefghijk","choices":{"analytics":true}}`
	for range 3 {
		if w := e.do(t, "POST", "/v1/public/consents", "", body, gpc...); w.Code != 204 {
			t.Fatalf("banner: %d %s", w.Code, w.Body)
		}
	}
	if n := signalEvents(t, e.env, e.tenantA, privet.SourceGPC); n != 2 {
		t.Errorf("after three banner posts by one visitor, %d GPC events, want 2 (subject and visitor)", n)
	}
}

// TestDNTWherePolicyHonoursIt publishes, for tenant A only, a version with
// honour_dnt: true; a DNT: 1 banner post then stops targeted advertising
// for A's visitor, and is not even recorded for B.
func TestDNTWherePolicyHonoursIt(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	src := versionSource(t, "dnt", "2021-03-01", "\nservice: cipo-cloud\n", "\nservice: cipo-cloud\nhonour_dnt: true\n")
	if _, err := e.services.Policies.Publish(ctx, tenancy.Operator(), e.tenantA, policies.PublishInput{Source: []byte(src)}); err != nil {
		t.Fatal(err)
	}
	const targeted = "marketing.advertising.third_party.targeted"
	for _, tc := range []struct {
		name, tenant, key string
		wantDNT           int
		allowed           bool
	}{
		{"honoured", e.tenantA, e.adminA, 1, false},
		{"not honoured", e.tenantB, e.adminB, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cookie := "visitor_dnt_abcdefghijk"
			body := `{"tenant":"` + tc.tenant + `","cookie_id":"` + cookie + `","choices":{"advertising":true}}`
			for range 2 {
				if w := e.do(t, "POST", "/v1/public/consents", "", body, "DNT", "1"); w.Code != 204 {
					t.Fatalf("banner: %d %s", w.Code, w.Body)
				}
			}
			if n := signalEvents(t, e, tc.tenant, privet.SourceDNT); n != tc.wantDNT {
				t.Errorf("DNT events = %d, want %d", n, tc.wantDNT)
			}
			d, err := e.services.Consent.Decide(ctx, tc.tenant, consent.DecideInput{Party: consent.Party{CookieID: cookie}, Purpose: targeted, Jurisdiction: "DE"})
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != tc.allowed || (!tc.allowed && d.Reason != consent.ReasonDNT) {
				t.Errorf("targeted ads decision = %+v, want allowed %v", d, tc.allowed)
			}
		})
	}
}
