package complaint_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/complaint"
	"github.com/privet-dev/privet/crypto/cryptotest"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type env struct {
	clock    *privet.ManualClock
	store    privet.Store
	tenantID string
	other    string
	vault    *vault.Service
	svc      *complaint.Service
}

func example(t *testing.T, name string) *policy.Compiled {
	t.Helper()
	b, err := examples.FS.ReadFile(name + "/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.Parse(name, b)
	if err != nil {
		t.Fatal(err)
	}
	return pol
}

func newEnv(t *testing.T, engine, name string) *env {
	t.Helper()
	store, keys := storetest.Open(t, engine)
	master := cryptotest.Master(t)
	clock := privet.NewManualClock(start)
	policies := vault.StaticPolicy{Compiled: example(t, name)}
	ten := &tenancy.Service{Store: store, Master: master, Clock: clock}
	a, err := ten.CreateTenant(context.Background(), "A")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ten.CreateTenant(context.Background(), "B")
	if err != nil {
		t.Fatal(err)
	}
	return &env{
		clock: clock, store: store, tenantID: a.ID, other: b.ID,
		vault: &vault.Service{Store: store, Keys: keys, Master: master, Policies: policies, Clock: clock},
		svc:   &complaint.Service{Store: store, Policies: policies, Clock: clock},
	}
}

func (e *env) subject(t *testing.T, place string) string {
	t.Helper()
	v, err := e.vault.Create(context.Background(), tenancy.Operator(), e.tenantID, vault.CreateInput{
		Jurisdiction: place, Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: privet.NewID("c") + "@example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

// TestResponseClock is K5 and C10: a complaint is due 45 days after it
// arrives, becomes overdue after that and then offers the escalation body.
func TestResponseClock(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine, "kipsu")
			ctx := context.Background()
			op := tenancy.Operator()
			sub := e.subject(t, "DE")
			c, err := e.svc.Create(ctx, op, e.tenantID, complaint.CreateInput{SubjectID: sub, Channel: "email", Reference: "ZD-1042"})
			if err != nil {
				t.Fatal(err)
			}
			if want := start.AddDate(0, 0, 45); !c.DueAt.Equal(want) || c.Jurisdiction != "DE" || c.Status != privet.ComplaintOpen {
				t.Fatalf("created %+v, want due %v", c.Complaint, want)
			}
			if c.Overdue || c.Escalation != "" {
				t.Errorf("fresh complaint overdue=%v escalation=%q", c.Overdue, c.Escalation)
			}
			anon, err := e.svc.Create(ctx, op, e.tenantID, complaint.CreateInput{Channel: "post", ReceivedAt: start.Add(-24 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}

			e.clock.Set(start.AddDate(0, 0, 45).Add(-time.Second))
			list, counts, err := e.svc.List(ctx, e.tenantID, complaint.ListInput{Overdue: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].ID != anon.ID || counts.Overdue != 1 || counts.Open != 2 {
				t.Fatalf("a second before the deadline: %d overdue listed, counts %+v", len(list), counts)
			}
			e.clock.Advance(time.Second)
			got, err := e.svc.Get(ctx, e.tenantID, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Overdue || !strings.Contains(got.Escalation, "JAMS") {
				t.Errorf("at the deadline: overdue=%v escalation=%q", got.Overdue, got.Escalation)
			}
			esc, err := e.svc.Escalate(ctx, op, e.tenantID, c.ID)
			if err != nil || esc.Status != privet.ComplaintEscalated || esc.EscalatedAt == nil {
				t.Fatalf("escalate: %+v %v", esc, err)
			}
			if _, err := e.svc.Escalate(ctx, op, e.tenantID, c.ID); privet.ErrorCode(err) != privet.ECONFLICT {
				t.Errorf("escalate twice: %v", err)
			}
			ans, err := e.svc.Answer(ctx, op, e.tenantID, c.ID)
			if err != nil || ans.Status != privet.ComplaintAnswered || !ans.AnsweredAt.Equal(e.clock.Now()) || ans.Overdue {
				t.Fatalf("answer: %+v %v", ans, err)
			}
			if _, err := e.svc.Answer(ctx, op, e.tenantID, c.ID); privet.ErrorCode(err) != privet.ECONFLICT {
				t.Errorf("answer twice: %v", err)
			}
			list, counts, err = e.svc.List(ctx, e.tenantID, complaint.ListInput{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 2 || list[0].ID != anon.ID || counts != (privet.ComplaintCounts{Open: 1, Answered: 1, Overdue: 1}) {
				t.Errorf("after the answer: %d listed, counts %+v", len(list), counts)
			}

			// Every step is in the audit log, by complaint id only.
			var evs []*privet.AuditEvent
			if err := e.store.View(ctx, func(tx privet.Tx) error {
				evs, err = tx.AuditEvents(ctx, e.tenantID, privet.AuditQuery{SubjectID: sub})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, ev := range evs {
				if strings.HasPrefix(ev.Action, "complaint.") && ev.Reason == c.ID {
					actions = append(actions, ev.Action)
				}
			}
			if strings.Join(actions, ",") != "complaint.create,complaint.escalate,complaint.answer" {
				t.Errorf("audit: %v", actions)
			}

			// Another tenant sees none of it.
			if _, err := e.svc.Get(ctx, e.other, c.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
				t.Errorf("other tenant get: %v", err)
			}
			if _, err := e.svc.Answer(ctx, op, e.other, anon.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
				t.Errorf("other tenant answer: %v", err)
			}
			if _, err := e.svc.Create(ctx, op, e.other, complaint.CreateInput{SubjectID: sub, Channel: "web"}); privet.ErrorCode(err) != privet.ENOTFOUND {
				t.Errorf("other tenant's complaint about A's subject: %v", err)
			}
		})
	}
}

// TestBusinessDays is D19: Codropshipping answers within 15 business days.
func TestBusinessDays(t *testing.T) {
	e := newEnv(t, "sqlite", "codropshipping")
	// Friday 2026-03-06: 15 business days later is Friday 2026-03-27.
	e.clock.Set(time.Date(2026, 3, 6, 10, 0, 0, 0, time.UTC))
	c, err := e.svc.Create(context.Background(), tenancy.Operator(), e.tenantID, complaint.CreateInput{Channel: "web", Jurisdiction: "CN"})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 27, 10, 0, 0, 0, time.UTC); !c.DueAt.Equal(want) {
		t.Errorf("due %v, want %v", c.DueAt, want)
	}
	// The policy names no escalation body: escalating is refused.
	if _, err := e.svc.Escalate(context.Background(), tenancy.Operator(), e.tenantID, c.ID); privet.ErrorCode(err) != privet.EINVALID {
		t.Errorf("escalate without a body: %v", err)
	}
}

func TestCreateInvalid(t *testing.T) {
	e := newEnv(t, "sqlite", "kipsu")
	tests := []struct {
		name  string
		in    complaint.CreateInput
		code  string
		field string
	}{
		{"no channel", complaint.CreateInput{}, privet.EINVALID, "channel"},
		{"unknown channel", complaint.CreateInput{Channel: "pigeon"}, privet.EINVALID, "channel"},
		{"text as reference", complaint.CreateInput{Channel: "email", Reference: "You sold my data to spammers"}, privet.EINVALID, "reference"},
		{"email as reference", complaint.CreateInput{Channel: "email", Reference: "jane@example.com"}, privet.EINVALID, "reference"},
		{"future", complaint.CreateInput{Channel: "email", ReceivedAt: start.Add(time.Hour)}, privet.EINVALID, "received_at"},
		{"unknown place", complaint.CreateInput{Channel: "email", Jurisdiction: "XX-NOPE"}, privet.EINVALID, "jurisdiction"},
		{"unknown subject", complaint.CreateInput{Channel: "email", SubjectID: "sub_nope"}, privet.ENOTFOUND, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Create(context.Background(), tenancy.Operator(), e.tenantID, tt.in)
			if privet.ErrorCode(err) != tt.code || privet.ErrorField(err) != tt.field {
				t.Errorf("err %v, want %s %q", err, tt.code, tt.field)
			}
		})
	}
	_, counts, err := e.svc.List(context.Background(), e.tenantID, complaint.ListInput{})
	if err != nil || counts != (privet.ComplaintCounts{}) {
		t.Errorf("something was written: %+v %v", counts, err)
	}
	if _, _, err := e.svc.List(context.Background(), e.tenantID, complaint.ListInput{Status: "lost"}); privet.ErrorField(err) != "status" {
		t.Errorf("bad status: %v", err)
	}
}

func FuzzValidReference(f *testing.F) {
	for _, s := range []string{"", "ZD-1042", "jane@example.com", "a b", "JIRA:PRIV/12#3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !complaint.ValidReference(s) {
			return
		}
		if len(s) > 64 || strings.ContainsAny(s, "@ \t\n") {
			t.Errorf("accepted %q", s)
		}
	})
}
