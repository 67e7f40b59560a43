package consent_test

import (
	"context"
	"encoding/base64"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
)

// pypeEmail is pypeserver's opt-out marketing email purpose.
const pypeEmail = "marketing.communications.email"

func TestUnsubscribe(t *testing.T) {
	ctx := context.Background()
	e := newPypeEnv(t)
	sub := e.subject(t, "US-CA", "", privet.StatusActive)
	token, expires, err := e.svc.UnsubscribeToken(ctx, e.tenant, sub, pypeEmail, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if want := start.Add(time.Hour); !expires.Equal(want) {
		t.Fatalf("expires %v, want %v", expires, want)
	}
	l, err := e.svc.ParseUnsubscribeToken(token)
	if err != nil || l.TenantID != e.tenant || l.SubjectID != sub || l.Purpose != pypeEmail {
		t.Fatalf("ParseUnsubscribeToken = %+v, %v", l, err)
	}
	if !e.decide(t, e.svc, consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: pypeEmail}).Allowed {
		t.Fatal("opt-out email not allowed before unsubscribing")
	}
	ev, err := e.svc.Unsubscribe(ctx, consent.UnsubscribeInput{Token: token, UserAgent: "Mail", IP: "203.0.113.7"})
	if err != nil {
		t.Fatal(err)
	}
	if ev.State != privet.StateWithdrawn || ev.Source != privet.SourceEmailLink || ev.SubjectID != sub || ev.IP != "203.0.113.0" {
		t.Fatalf("event %+v", ev)
	}
	d := e.decide(t, e.svc, consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: pypeEmail})
	if d.Allowed || d.Reason != consent.ReasonOptedOut {
		t.Fatalf("after unsubscribing: %+v", d)
	}
	// A restarted service (same master key) still honours the link.
	if _, err := e.service().ParseUnsubscribeToken(token); err != nil {
		t.Fatalf("after restart: %v", err)
	}
}

func TestUnsubscribeBadTokens(t *testing.T) {
	ctx := context.Background()
	e := newPypeEnv(t)
	sub := e.subject(t, "US-CA", "", privet.StatusActive)
	token, _, err := e.svc.UnsubscribeToken(ctx, e.tenant, sub, pypeEmail, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(token)
	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 1
		return base64.RawURLEncoding.EncodeToString(b)
	}
	other := newPypeEnv(t) // another installation: another master key
	otherSub := other.subject(t, "US-CA", "", privet.StatusActive)
	foreign, _, err := other.svc.UnsubscribeToken(ctx, other.tenant, otherSub, pypeEmail, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		token   string
		advance time.Duration
	}{
		{name: "empty", token: ""},
		{name: "not base64", token: "!!!"},
		{name: "truncated", token: token[:len(token)-4]},
		{name: "payload tampered", token: flip(5)},
		{name: "MAC tampered", token: flip(len(raw) - 1)},
		{name: "signed by another key", token: foreign},
		{name: "padding added", token: token + "="},
		{name: "expired", token: token, advance: time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.clock.Advance(tt.advance)
			_, err := e.svc.Unsubscribe(ctx, consent.UnsubscribeInput{Token: tt.token})
			wantCode(t, err, privet.EINVALID, "token")
		})
	}
	events, err := e.svc.Events(ctx, e.tenant, consent.Party{SubjectID: sub}, 0, 10)
	if err != nil || len(events) != 0 {
		t.Fatalf("events after bad tokens: %d, %v; want none", len(events), err)
	}
}

func TestUnsubscribeTokenInputs(t *testing.T) {
	ctx := context.Background()
	e := newPypeEnv(t)
	sub := e.subject(t, "US-CA", "", privet.StatusActive)
	tests := []struct {
		name, subject, purpose string
		ttl                    time.Duration
		code, field            string
	}{
		{name: "default ttl", subject: sub, purpose: pypeEmail},
		{name: "unknown purpose", subject: sub, purpose: "marketing.nothing", code: privet.EINVALID, field: "purpose"},
		{name: "ttl too long", subject: sub, purpose: pypeEmail, ttl: consent.MaxUnsubscribeTTL + time.Hour, code: privet.EINVALID, field: "ttl"},
		{name: "ttl negative", subject: sub, purpose: pypeEmail, ttl: -time.Hour, code: privet.EINVALID, field: "ttl"},
		{name: "no subject", purpose: pypeEmail, code: privet.EINVALID, field: "subject_id"},
		{name: "unknown subject", subject: "sub_nope", purpose: pypeEmail, code: privet.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, exp, err := e.svc.UnsubscribeToken(ctx, e.tenant, tt.subject, tt.purpose, tt.ttl)
			if tt.code == "" {
				if err != nil || !exp.Equal(start.Add(consent.DefaultUnsubscribeTTL)) {
					t.Fatalf("= %v, %v", exp, err)
				}
				return
			}
			wantCode(t, err, tt.code, tt.field)
		})
	}
}

// FuzzParseUnsubscribeToken checks that no input panics the parser and that
// no change to a valid token is accepted as anything but the original.
func FuzzParseUnsubscribeToken(f *testing.F) {
	e := newPypeEnv(f)
	sub := e.subject(f, "US-CA", "", privet.StatusActive)
	token, _, err := e.svc.UnsubscribeToken(context.Background(), e.tenant, sub, pypeEmail, time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(token)
	f.Add(token[:20])
	f.Add("")
	f.Add("AQ")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := e.svc.ParseUnsubscribeToken(s)
		if err != nil {
			if privet.ErrorField(err) != "token" {
				t.Fatalf("error %v not on field token", err)
			}
			return
		}
		if l.SubjectID != sub || l.Purpose != pypeEmail || l.TenantID != e.tenant {
			t.Fatalf("forged token accepted: %+v", l)
		}
	})
}
