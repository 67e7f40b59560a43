package consent_test

import (
	"context"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/vault"
)

// widenedPolicy is the cipo-cloud policy whose marketing email also reads
// phone numbers: consent given for the old scope does not cover it.
func widenedPolicy(t *testing.T) *policy.Compiled {
	t.Helper()
	src, err := examples.FS.ReadFile("cipo-cloud/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const before = "categories: [user.contact.email, user.name, user.professional_information]\n    basis: {EU: consent, \"*\": legitimate_interests}  # C3"
	if !strings.Contains(string(src), before) {
		t.Fatal("the example policy changed: update widenedPolicy")
	}
	widened := strings.Replace(string(src), before, strings.Replace(before, "user.name,", "user.name, user.contact.phone_number,", 1), 1)
	pol, err := policy.Parse("cipo-cloud/policy.yaml", []byte(widened))
	if err != nil {
		t.Fatal(err)
	}
	return pol
}

func TestRenew(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	ctx := context.Background()
	old, widened := e.pol, widenedPolicy(t)
	if got := policy.WidenedPurposes(old, widened); len(got) != 1 || got[0] != email {
		t.Fatalf("WidenedPurposes = %v, want only %s", got, email)
	}
	gave := e.subject(t, "DE", "", privet.StatusActive)
	refused := e.subject(t, "DE", "", privet.StatusActive)
	const cookie = "ck_renewal"
	e.record(t, consent.RecordInput{Party: consent.Party{SubjectID: gave}, Purpose: email, State: privet.StateGiven})
	e.record(t, consent.RecordInput{Party: consent.Party{SubjectID: gave}, Purpose: targeted, State: privet.StateGiven})
	e.record(t, consent.RecordInput{Party: consent.Party{SubjectID: refused}, Purpose: email, State: privet.StateRefused})
	e.record(t, consent.RecordInput{Party: consent.Party{CookieID: cookie}, Purpose: email, State: privet.StateGiven, Jurisdiction: "FR"})

	e.svc.Policies = vault.StaticPolicy{Compiled: widened}
	n, err := e.svc.Renew(ctx, privet.Actor{Type: privet.ActorAdmin, ID: "cli"}, e.tenant, old, widened)
	if err != nil || n != 2 {
		t.Fatalf("Renew = %d, %v; want 2 (the subject's and the visitor's email consents)", n, err)
	}
	restarted := e.service()
	restarted.Policies = vault.StaticPolicy{Compiled: widened}
	checks := []struct {
		name    string
		in      consent.DecideInput
		allowed bool
		reason  string
	}{
		{"widened purpose denies", consent.DecideInput{Party: consent.Party{SubjectID: gave}, Purpose: email}, false, consent.ReasonNeedsRenewal},
		{"unchanged purpose keeps allowing", consent.DecideInput{Party: consent.Party{SubjectID: gave}, Purpose: targeted}, true, consent.ReasonConsentGiven},
		{"refusal stays a refusal", consent.DecideInput{Party: consent.Party{SubjectID: refused}, Purpose: email}, false, consent.ReasonRefused},
		{"visitor must renew too", consent.DecideInput{Party: consent.Party{CookieID: cookie}, Purpose: email}, false, consent.ReasonNeedsRenewal},
	}
	for _, svc := range []*consent.Service{e.svc, restarted} {
		for _, c := range checks {
			if d := e.decide(t, svc, c.in); d.Allowed != c.allowed || d.Reason != c.reason {
				t.Errorf("%s: %+v, want allowed=%v %s", c.name, d, c.allowed, c.reason)
			}
		}
	}

	evs, err := e.svc.Events(ctx, e.tenant, consent.Party{SubjectID: gave}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.State != privet.StateNeedsRenewal || last.Source != privet.SourceAdmin || last.PolicyVersion != widened.Hash || last.Purpose != email {
		t.Fatalf("renewal event = %+v", last)
	}

	ev := e.record(t, consent.RecordInput{Party: consent.Party{SubjectID: gave}, Purpose: email, State: privet.StateGiven})
	if d := e.decide(t, e.svc, consent.DecideInput{Party: consent.Party{SubjectID: gave}, Purpose: email}); !d.Allowed || d.Reason != consent.ReasonConsentGiven {
		t.Fatalf("after renewed consent: %+v", d)
	}
	if ev.PolicyVersion != widened.Hash {
		t.Fatalf("renewed consent names policy %s, want the new one", ev.PolicyVersion)
	}

	// Applying the same change again marks nothing: the one consent left
	// given was given under the new version.
	if n, err := e.svc.Renew(ctx, privet.Actor{Type: privet.ActorAdmin, ID: "cli"}, e.tenant, old, widened); err != nil || n != 0 {
		t.Fatalf("second Renew = %d, %v; want 0", n, err)
	}
	if d := e.decide(t, e.svc, consent.DecideInput{Party: consent.Party{SubjectID: gave}, Purpose: email}); !d.Allowed {
		t.Fatalf("a second Renew took back a consent given under the new policy: %+v", d)
	}
}

func TestRenewNothingWidened(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	sub := e.subject(t, "DE", "", privet.StatusActive)
	e.record(t, consent.RecordInput{Party: consent.Party{SubjectID: sub}, Purpose: email, State: privet.StateGiven})
	n, err := e.svc.Renew(context.Background(), api, e.tenant, e.pol, e.pol)
	if err != nil || n != 0 {
		t.Fatalf("Renew = %d, %v; want 0", n, err)
	}
	if d := e.decide(t, e.svc, consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: email}); !d.Allowed {
		t.Fatalf("decision = %+v", d)
	}
	if _, err := e.svc.Renew(context.Background(), api, e.tenant, nil, e.pol); privet.ErrorCode(err) != privet.EINVALID {
		t.Fatalf("Renew without the old policy: %v", err)
	}
}
