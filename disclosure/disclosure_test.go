package disclosure_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto/cryptotest"
	"github.com/privet-dev/privet/disclosure"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/notify/notifytest"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// outbox is a notify.Sender that keeps what it was given.
type outbox struct {
	mu   sync.Mutex
	sent []notify.Message
}

func (o *outbox) Send(_ context.Context, m notify.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

func (o *outbox) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.sent)
}

type env struct {
	clock    *privet.ManualClock
	store    privet.Store
	tenantID string
	other    string
	vault    *vault.Service
	svc      *disclosure.Service
	outbox   *outbox
}

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	store, keys := storetest.Open(t, engine)
	master := cryptotest.Master(t)
	src, err := examples.FS.ReadFile("kipsu/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.Parse("kipsu", src)
	if err != nil {
		t.Fatal(err)
	}
	clock := privet.NewManualClock(start)
	policies := vault.StaticPolicy{Compiled: pol}
	ten := &tenancy.Service{Store: store, Master: master, Clock: clock}
	a, err := ten.CreateTenant(context.Background(), "A")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ten.CreateTenant(context.Background(), "B")
	if err != nil {
		t.Fatal(err)
	}
	v := &vault.Service{Store: store, Keys: keys, Master: master, Policies: policies, Clock: clock}
	out := &outbox{}
	return &env{
		clock: clock, store: store, tenantID: a.ID, other: b.ID, vault: v, outbox: out,
		svc: &disclosure.Service{Store: store, Policies: policies, Clock: clock,
			Renderer: disclosure.TextRenderer{}, Reacher: &notify.Reacher{Contacts: v, Mail: out}},
	}
}

func (e *env) subject(t *testing.T, email string) string {
	t.Helper()
	v, err := e.vault.Create(context.Background(), tenancy.Operator(), e.tenantID, vault.CreateInput{
		Jurisdiction: "US", Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: email}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

// person stores a subject known by one identity.
func (e *env) person(t *testing.T, id vault.IdentityInput) string {
	t.Helper()
	v, err := e.vault.Create(context.Background(), tenancy.Operator(), e.tenantID, vault.CreateInput{Jurisdiction: "US", Identities: []vault.IdentityInput{id}})
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

func (e *env) jobs(t *testing.T) int {
	t.Helper()
	n, err := e.store.(storetest.JobCounter).JobCount(context.Background(), disclosure.NoticeJob{}.Kind())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAuthorityNotice is K6: a disclosure to an authority is told to the
// person by a queued job, unless a gag applies; lifting the gag sends it.
func TestAuthorityNotice(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			ctx := context.Background()
			op := tenancy.Operator()
			sub := e.subject(t, "guest@example.com")
			in := disclosure.AuthorityInput{SubjectID: sub, Recipient: "authorities", LegalBasis: "subpoena", Reference: "CASE-2026-14",
				Categories: []string{"user.name", "user.contact.phone_number"}}
			d, err := e.svc.DiscloseToAuthority(ctx, op, e.tenantID, in)
			if err != nil {
				t.Fatal(err)
			}
			if d.Notice != privet.NoticePending || e.jobs(t) != 1 {
				t.Fatalf("notice %s, %d jobs", d.Notice, e.jobs(t))
			}
			job := disclosure.NoticeJob{TenantID: e.tenantID, DisclosureID: d.ID}
			if err := e.svc.SendNotice(ctx, job); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.SendNotice(ctx, job); err != nil { // at least once: a second run sends nothing
				t.Fatal(err)
			}
			if e.outbox.count() != 1 {
				t.Fatalf("%d messages sent", e.outbox.count())
			}
			m := e.outbox.sent[0]
			if m.To != "guest@example.com" || !strings.Contains(m.Text, "Courts, law enforcement and government authorities") ||
				!strings.Contains(m.Text, "subpoena") || !strings.Contains(m.Text, "CASE-2026-14") {
				t.Errorf("message %+v", m)
			}

			e.clock.Advance(time.Hour)
			gagged := in
			gagged.Gag = true
			g, err := e.svc.DiscloseToAuthority(ctx, op, e.tenantID, gagged)
			if err != nil {
				t.Fatal(err)
			}
			if g.Notice != privet.NoticeWithheld || e.jobs(t) != 1 {
				t.Fatalf("gagged: notice %s, %d jobs", g.Notice, e.jobs(t))
			}
			if err := e.svc.SendNotice(ctx, disclosure.NoticeJob{TenantID: e.tenantID, DisclosureID: g.ID}); err != nil || e.outbox.count() != 1 {
				t.Fatalf("a gagged notice went out: %v, %d sent", err, e.outbox.count())
			}
			e.clock.Advance(90 * 24 * time.Hour)
			if _, err := e.svc.LiftGag(ctx, op, e.tenantID, g.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.LiftGag(ctx, op, e.tenantID, g.ID); privet.ErrorCode(err) != privet.ECONFLICT {
				t.Errorf("lift twice: %v", err)
			}
			if e.jobs(t) != 2 {
				t.Fatalf("%d jobs after the gag lifted", e.jobs(t))
			}
			if err := e.svc.SendNotice(ctx, disclosure.NoticeJob{TenantID: e.tenantID, DisclosureID: g.ID}); err != nil || e.outbox.count() != 2 {
				t.Fatalf("after the gag: %v, %d sent", err, e.outbox.count())
			}
			list, err := e.svc.AuthorityDisclosures(ctx, e.tenantID, sub)
			if err != nil || len(list) != 2 || list[1].Notice != privet.NoticeSent || !list[1].NoticeSentAt.Equal(e.clock.Now()) {
				t.Fatalf("register: %+v %v", list, err)
			}

			// A guest known by mobile number alone is texted the short form; one
			// with no address at all is recorded as such, and the job ends.
			const secret = "disclosure-test-secret-0123"
			receiver := notifytest.NewSMSServer(t, secret)
			sms, err := notify.NewWebhookSMS(receiver.URL(), secret, nil)
			if err != nil {
				t.Fatal(err)
			}
			e.svc.Reacher.SMS = sms
			mobile := e.person(t, vault.IdentityInput{Type: privet.IdentityPhone, Value: "+1 612 555 0601"})
			cookie := e.person(t, vault.IdentityInput{Type: privet.IdentityCookieID, Value: "guest-cookie-1"})
			for _, who := range []string{mobile, cookie} {
				byText := in
				byText.SubjectID, byText.Reference = who, "W-2026-3"
				d, err := e.svc.DiscloseToAuthority(ctx, op, e.tenantID, byText)
				if err != nil {
					t.Fatal(err)
				}
				if err := e.svc.SendNotice(ctx, disclosure.NoticeJob{TenantID: e.tenantID, DisclosureID: d.ID}); err != nil {
					t.Fatal(err)
				}
			}
			texts := receiver.Messages()
			if len(texts) != 1 || texts[0].To != "+16125550601" || !strings.Contains(texts[0].Text, "W-2026-3") ||
				!strings.Contains(texts[0].Text, "Courts, law enforcement and government authorities") || e.outbox.count() != 2 {
				t.Fatalf("texts %+v, %d emails", texts, e.outbox.count())
			}
			for who, want := range map[string]privet.NoticeStatus{mobile: privet.NoticeSent, cookie: privet.NoticeNoAddress} {
				if list, err := e.svc.AuthorityDisclosures(ctx, e.tenantID, who); err != nil || len(list) != 1 || list[0].Notice != want {
					t.Errorf("register of %s: %+v %v, want notice %s", who, list, err, want)
				}
			}

			// Another tenant sees nothing and changes nothing.
			if _, err := e.svc.LiftGag(ctx, op, e.other, g.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
				t.Errorf("other tenant lifts: %v", err)
			}
			if _, err := e.svc.AuthorityDisclosures(ctx, e.other, sub); privet.ErrorCode(err) != privet.ENOTFOUND {
				t.Errorf("other tenant lists: %v", err)
			}
			if _, err := e.svc.DiscloseToAuthority(ctx, op, e.other, in); privet.ErrorCode(err) != privet.ENOTFOUND {
				t.Errorf("other tenant discloses A's subject: %v", err)
			}
		})
	}
}

func TestAuthorityInvalid(t *testing.T) {
	e := newEnv(t, "sqlite")
	sub := e.subject(t, "x@example.com")
	ok := disclosure.AuthorityInput{SubjectID: sub, Recipient: "authorities", LegalBasis: "court_order", Categories: []string{"user.name"}}
	tests := []struct {
		name  string
		edit  func(*disclosure.AuthorityInput)
		field string
	}{
		{"not an authority", func(in *disclosure.AuthorityInput) { in.Recipient = "hosting" }, "recipient"},
		{"undeclared", func(in *disclosure.AuthorityInput) { in.Recipient = "nsa" }, "recipient"},
		{"legal basis", func(in *disclosure.AuthorityInput) { in.LegalBasis = "asked nicely" }, "legal_basis"},
		{"category", func(in *disclosure.AuthorityInput) { in.Categories = []string{"user.name", "user.financial"} }, "categories[1]"},
		{"no categories", func(in *disclosure.AuthorityInput) { in.Categories = nil }, "categories"},
		{"reference text", func(in *disclosure.AuthorityInput) { in.Reference = "the guest in room 12" }, "reference"},
		{"no subject", func(in *disclosure.AuthorityInput) { in.SubjectID = "" }, "subject_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.edit(&in)
			_, err := e.svc.DiscloseToAuthority(context.Background(), tenancy.Operator(), e.tenantID, in)
			if privet.ErrorCode(err) != privet.EINVALID || privet.ErrorField(err) != tt.field {
				t.Errorf("err %v, want field %s", err, tt.field)
			}
		})
	}
	if e.jobs(t) != 0 {
		t.Errorf("a refused disclosure queued %d jobs", e.jobs(t))
	}
	// Without a sender the job fails retryably, and nothing is marked sent.
	e.svc.Reacher = nil
	d, err := e.svc.DiscloseToAuthority(context.Background(), tenancy.Operator(), e.tenantID, ok)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SendNotice(context.Background(), disclosure.NoticeJob{TenantID: e.tenantID, DisclosureID: d.ID}); privet.ErrorCode(err) != privet.EUNAVAILABLE {
		t.Errorf("no sender: %v", err)
	}
}

// TestProcessorEnds is D10: an ended entrustment stays outstanding until the
// processor confirms deletion, and is overdue after its deadline.
func TestProcessorEnds(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			ctx := context.Background()
			op := tenancy.Operator()
			end, err := e.svc.EndEntrustment(ctx, op, e.tenantID, disclosure.EndInput{Recipient: "hosting", Reference: "MSA-7"})
			if err != nil {
				t.Fatal(err)
			}
			if want := start.AddDate(0, 0, 30); !end.DeletionDue.Equal(want) || end.Overdue {
				t.Fatalf("due %v overdue %v, want %v", end.DeletionDue, end.Overdue, want)
			}
			short, err := e.svc.EndEntrustment(ctx, op, e.tenantID, disclosure.EndInput{Recipient: "transmission", DeletionWithin: "10bd"})
			if err != nil {
				t.Fatal(err)
			}
			e.clock.Set(start.AddDate(0, 0, 30))
			list, err := e.svc.ProcessorEnds(ctx, e.tenantID, true)
			if err != nil || len(list) != 2 || list[0].ID != short.ID || !list[0].Overdue || !list[1].Overdue {
				t.Fatalf("outstanding at 30 days: %+v %v", list, err)
			}
			if err := e.svc.ConfirmDeletion(ctx, op, e.tenantID, end.ID); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.ConfirmDeletion(ctx, op, e.tenantID, end.ID); privet.ErrorCode(err) != privet.ECONFLICT {
				t.Errorf("confirm twice: %v", err)
			}
			if err := e.svc.ConfirmDeletion(ctx, op, e.other, short.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
				t.Errorf("other tenant confirms: %v", err)
			}
			if list, err = e.svc.ProcessorEnds(ctx, e.tenantID, true); err != nil || len(list) != 1 || list[0].ID != short.ID {
				t.Errorf("outstanding after confirming: %+v %v", list, err)
			}
			for _, in := range []disclosure.EndInput{
				{Recipient: "authorities"},
				{Recipient: "hosting", DeletionWithin: "soon"},
				{Recipient: "hosting", EndedAt: e.clock.Now().Add(time.Hour)},
			} {
				if _, err := e.svc.EndEntrustment(ctx, op, e.tenantID, in); privet.ErrorCode(err) != privet.EINVALID {
					t.Errorf("%+v: %v", in, err)
				}
			}
		})
	}
}

func FuzzValidReference(f *testing.F) {
	for _, s := range []string{"", "CASE-1", "a@b.c", "room 12"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if disclosure.ValidReference(s) && (len(s) > 64 || strings.ContainsAny(s, "@ \n")) {
			t.Errorf("accepted %q", s)
		}
	})
}
