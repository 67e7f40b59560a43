package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// channelEnv is a server over the pypeserver policy, which (unlike the demo
// policy of newEnv) has a purpose on the sms channel, with one tenant.
type channelEnv struct {
	*env
	consent *consent.Service
	writer  string // secret of a consent:write key
	reader  string // secret of a consent:read key
}

const (
	pypeSMS   = "essential.service.notifications.sms"
	pypeEmail = "marketing.communications.email"
)

func newChannelEnv(t *testing.T) *channelEnv {
	t.Helper()
	ctx := context.Background()
	base := newEnvWith(t, "pypeserver")
	e := &channelEnv{env: base, consent: base.services.Consent}
	var err error
	_, e.writer, err = e.tenancy.CreateAPIKey(ctx, tenancy.Operator(), e.tenantA, "sms", []privet.Scope{privet.ScopeConsentWrite})
	if err != nil {
		t.Fatal(err)
	}
	_, e.reader, err = e.tenancy.CreateAPIKey(ctx, tenancy.Operator(), e.tenantA, "reader", []privet.Scope{privet.ScopeConsentRead})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// subjectWithPhone stores a subject of tenant A known by the phone number.
func (e *channelEnv) subjectWithPhone(t *testing.T, phone string) string {
	t.Helper()
	v, err := e.vault.Create(context.Background(), privet.Actor{Type: privet.ActorAdmin, ID: "test"}, e.tenantA, vault.CreateInput{
		Jurisdiction: "US-CA", Identities: []vault.IdentityInput{{Type: privet.IdentityPhone, Value: phone}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

func (e *channelEnv) allowed(t *testing.T, subjectID, purpose string) bool {
	t.Helper()
	d, err := e.consent.Decide(context.Background(), e.tenantA, consent.DecideInput{Party: consent.Party{SubjectID: subjectID}, Purpose: purpose})
	if err != nil {
		t.Fatal(err)
	}
	return d.Allowed
}

func (e *channelEnv) events(t *testing.T, subjectID string) []*privet.ConsentEvent {
	t.Helper()
	evs, err := e.consent.Events(context.Background(), e.tenantA, consent.Party{SubjectID: subjectID}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestSMSInbound(t *testing.T) {
	e := newChannelEnv(t)
	sub := e.subjectWithPhone(t, "+14155550100")
	const (
		stopped = "You are unsubscribed from PypeServer, Inc. messages. Reply START to resubscribe."
		started = "You are resubscribed to PypeServer, Inc. messages. Reply STOP to unsubscribe."
	)
	steps := []struct {
		name        string
		body        string
		status      int
		reply       string
		wantAllowed bool
		wantEvents  int
	}{
		{name: "not a keyword", body: `{"from":"+14155550100","body":"hello"}`, status: 200, wantEvents: 0},
		{name: "start", body: `{"from":"+14155550100","body":" start "}`, status: 200, reply: started, wantAllowed: true, wantEvents: 1},
		{name: "national number with region", body: `{"from":"(415) 555-0100","region":"US","body":"Stop please"}`, status: 200, reply: stopped, wantEvents: 2},
		{name: "unstop", body: `{"from":"+14155550100","body":"UNSTOP"}`, status: 200, reply: started, wantAllowed: true, wantEvents: 3},
		{name: "unknown number: same reply, nothing recorded", body: `{"from":"+14155550199","body":"STOP"}`, status: 200, reply: stopped, wantAllowed: true, wantEvents: 3},
		{name: "invalid number", body: `{"from":"12","body":"STOP"}`, status: 422, wantAllowed: true, wantEvents: 3},
		{name: "quit", body: `{"from":"+14155550100","body":"QUIT"}`, status: 200, reply: stopped, wantEvents: 4},
	}
	for _, st := range steps {
		w := e.do(t, "POST", "/v1/sms/inbound", e.writer, st.body)
		if w.Code != st.status {
			t.Fatalf("%s: status %d, want %d: %s", st.name, w.Code, st.status, w.Body)
		}
		if st.status == 200 {
			var out struct{ Reply string }
			if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || out.Reply != st.reply {
				t.Fatalf("%s: reply %q (%v), want %q", st.name, out.Reply, err, st.reply)
			}
		}
		if strings.Contains(w.Body.String(), "555") {
			t.Fatalf("%s: the answer repeats the number: %s", st.name, w.Body)
		}
		if got := e.allowed(t, sub, pypeSMS); got != st.wantAllowed {
			t.Fatalf("%s: allowed = %v, want %v", st.name, got, st.wantAllowed)
		}
		if got := len(e.events(t, sub)); got != st.wantEvents {
			t.Fatalf("%s: %d events, want %d", st.name, got, st.wantEvents)
		}
	}
	for _, ev := range e.events(t, sub) {
		if ev.Source != privet.SourceSMSKeyword {
			t.Errorf("event source %s, want sms_keyword", ev.Source)
		}
	}
}

func TestSMSInboundAuth(t *testing.T) {
	e := newChannelEnv(t)
	body := `{"from":"+14155550100","body":"STOP"}`
	if w := e.do(t, "POST", "/v1/sms/inbound", "", body); w.Code != 401 {
		t.Fatalf("no key: %d", w.Code)
	}
	if w := e.do(t, "POST", "/v1/sms/inbound", e.reader, body); w.Code != 403 {
		t.Fatalf("consent:read key: %d", w.Code)
	}
}
