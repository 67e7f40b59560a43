package consent_test

import (
	"context"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/policy"
)

// smsPurpose is pypeserver's opt-in purpose on the sms channel.
const smsPurpose = "essential.service.notifications.sms"

// newPypeEnv is an env over the pypeserver policy, which has purposes on
// both the sms and the email channel.
func newPypeEnv(t testing.TB) *env {
	t.Helper()
	src, err := examples.FS.ReadFile("pypeserver/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.Parse("pypeserver/policy.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{store: openSQLite(t), master: newMaster(t), pol: pol, clock: privet.NewManualClock(start)}
	e.svc = e.service()
	e.tenant = privet.NewID(privet.PrefixTenant)
	err = e.store.Update(context.Background(), func(tx privet.Tx) error {
		return tx.CreateTenant(context.Background(), &privet.Tenant{ID: e.tenant, Name: "Pype", CreatedAt: start})
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestParseSMSKeyword(t *testing.T) {
	tests := []struct {
		body string
		want consent.SMSKeyword
	}{
		{" stop ", consent.SMSStop},
		{"Stop", consent.SMSStop},
		{"STOP", consent.SMSStop},
		{"STOPALL", consent.SMSStop},
		{"unsubscribe", consent.SMSStop},
		{"cancel", consent.SMSStop},
		{"end", consent.SMSStop},
		{"quit", consent.SMSStop},
		{"Stop.", consent.SMSStop},
		{"\tstop\n", consent.SMSStop},
		{"stop please", consent.SMSStop},
		{"start", consent.SMSStart},
		{"UNSTOP", consent.SMSStart},
		{"Start!", consent.SMSStart},
		{"hello", consent.SMSNone},
		{"please stop", consent.SMSNone},
		{"stopp", consent.SMSNone},
		{"st op", consent.SMSNone},
		{"", consent.SMSNone},
		{"   ", consent.SMSNone},
	}
	for _, tt := range tests {
		if got := consent.ParseSMSKeyword(tt.body); got != tt.want {
			t.Errorf("ParseSMSKeyword(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func FuzzParseSMSKeyword(f *testing.F) {
	for _, s := range []string{"stop", " Start ", "UNSUBSCRIBE now", "hello", "", "ſtop", "\u00a0stop"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		kw := consent.ParseSMSKeyword(body)
		if kw != consent.SMSNone && kw != consent.SMSStop && kw != consent.SMSStart {
			t.Fatalf("unknown keyword %q", kw)
		}
		// Only the first word decides: anything after it changes nothing.
		if w := strings.Fields(body); len(w) > 0 {
			if again := consent.ParseSMSKeyword(w[0] + " whatever follows"); again != kw {
				t.Fatalf("first word %q gave %q, whole body %q", w[0], again, kw)
			}
		}
	})
}

func TestInboundSMS(t *testing.T) {
	e := newPypeEnv(t)
	ctx := context.Background()
	sub := e.subject(t, "US-CA", "", privet.StatusActive)
	allowed := func() bool {
		return e.decide(t, e.svc, consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: smsPurpose}).Allowed
	}
	steps := []struct {
		body        string
		subject     string
		wantReply   string
		wantRecords int
		wantAllowed bool
	}{
		{body: "hello", subject: sub, wantAllowed: false},
		{body: " start ", subject: sub, wantReply: "You are resubscribed to PypeServer, Inc. messages. Reply STOP to unsubscribe.", wantRecords: 1, wantAllowed: true},
		{body: "Stop please", subject: sub, wantReply: "You are unsubscribed from PypeServer, Inc. messages. Reply START to resubscribe.", wantRecords: 1, wantAllowed: false},
		{body: "UNSTOP", subject: sub, wantReply: "You are resubscribed to PypeServer, Inc. messages. Reply STOP to unsubscribe.", wantRecords: 1, wantAllowed: true},
		// An unknown number gets the same reply and changes nothing.
		{body: "STOP", subject: "", wantReply: "You are unsubscribed from PypeServer, Inc. messages. Reply START to resubscribe.", wantAllowed: true},
		{body: "quit", subject: sub, wantReply: "You are unsubscribed from PypeServer, Inc. messages. Reply START to resubscribe.", wantRecords: 1, wantAllowed: false},
	}
	for _, st := range steps {
		res, err := e.svc.InboundSMS(ctx, api, e.tenant, st.subject, st.body)
		if err != nil {
			t.Fatalf("%q: %v", st.body, err)
		}
		if res.Reply != st.wantReply || res.Recorded != st.wantRecords {
			t.Fatalf("%q: reply %q recorded %d, want %q and %d", st.body, res.Reply, res.Recorded, st.wantReply, st.wantRecords)
		}
		if got := allowed(); got != st.wantAllowed {
			t.Fatalf("after %q: allowed = %v, want %v", st.body, got, st.wantAllowed)
		}
	}
	events, err := e.svc.Events(ctx, e.tenant, consent.Party{SubjectID: sub}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		if ev.Source != privet.SourceSMSKeyword || ev.Purpose != smsPurpose {
			t.Errorf("event %+v: want source sms_keyword for %s", ev, smsPurpose)
		}
	}
	if len(events) != 4 {
		t.Errorf("%d events, want 4", len(events))
	}
}

func TestInboundSMSErasedSubject(t *testing.T) {
	e := newPypeEnv(t)
	sub := e.subject(t, "US-CA", "", privet.StatusErased)
	res, err := e.svc.InboundSMS(context.Background(), api, e.tenant, sub, "STOP")
	if err != nil || res.Recorded != 0 || res.Reply == "" {
		t.Fatalf("InboundSMS = %+v, %v; want the reply and nothing recorded", res, err)
	}
}

func TestSMSPurposes(t *testing.T) {
	if got := consent.SMSPurposes(newPypeEnv(t).pol); len(got) != 1 || got[0] != smsPurpose {
		t.Fatalf("SMSPurposes = %v", got)
	}
	if got := consent.SMSPurposes(loadPolicy(t)); len(got) != 0 {
		t.Fatalf("cipo-cloud SMSPurposes = %v, want none", got)
	}
}
