package incident_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/incident"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/notify/notifytest"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/privettest"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// start is a Friday morning: the 72 hours run over a weekend, as the GDPR's
// hours do (they are not working days).
var start = time.Date(2026, 3, 6, 9, 0, 0, 0, time.UTC)

// outbox is a notify.Sender that keeps what it accepted and can be told to
// fail, as a mail server that goes away mid-run.
type outbox struct {
	mu     sync.Mutex
	sent   []notify.Message
	failAt int // fail the n-th Send (1-based) of this outbox; 0 never
	calls  int
}

func (o *outbox) Send(_ context.Context, m notify.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls++
	if o.calls == o.failAt {
		return errors.New("421 service not available")
	}
	o.sent = append(o.sent, m)
	return nil
}

func (o *outbox) count(to string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, m := range o.sent {
		if m.To == to {
			n++
		}
	}
	return n
}

type env struct {
	svc    *privettest.Services
	inc    *incident.Service
	clock  *privet.ManualClock
	mail   *outbox
	tenant string
	other  string
	emails map[string]string // subject id -> email
	ctx    context.Context
	t      testing.TB
	phones int
}

func newEnv(t testing.TB) *env {
	t.Helper()
	svc := privettest.New(t, "cipo-cloud")
	// People the service knows without an email (by phone, by name) are who
	// these tests leave out of email notices: the example's required email
	// is dropped so they can be stored.
	src, err := examples.FS.ReadFile("cipo-cloud/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if svc.Policy, err = policy.Parse("cipo-cloud/policy.yaml", bytes.Replace(src, []byte("required: true  # C1"), nil, 1)); err != nil {
		t.Fatal(err)
	}
	svc.Policies.Fallback = svc.Policy
	clock := privet.NewManualClock(start)
	svc.Vault.Clock = clock
	e := &env{svc: svc, clock: clock, mail: &outbox{}, emails: map[string]string{}, ctx: context.Background(), t: t}
	e.inc = &incident.Service{Store: svc.Store, Vault: svc.Vault, Policies: vault.StaticPolicy{Compiled: svc.Policy}, Clock: clock,
		Reacher: &notify.Reacher{Contacts: svc.Vault, Mail: e.mail}}
	for _, p := range []*string{&e.tenant, &e.other} {
		ten, err := svc.Tenancy.CreateTenant(e.ctx, "T")
		if err != nil {
			t.Fatal(err)
		}
		*p = ten.ID
	}
	return e
}

// subject stores a person of the tenant and returns its id.
func (e *env) person(place, email string, fields ...vault.FieldInput) string {
	e.t.Helper()
	in := vault.CreateInput{Jurisdiction: place, Fields: fields}
	e.phones++
	in.Identities = []vault.IdentityInput{{Type: privet.IdentityPhone, Value: fmt.Sprintf("+4915112%06d", e.phones)}}
	if email != "" {
		in.Identities = []vault.IdentityInput{{Type: privet.IdentityEmail, Value: email}}
	}
	v, err := e.svc.Vault.Create(e.ctx, tenancy.Operator(), e.tenant, in)
	if err != nil {
		e.t.Fatal(err)
	}
	e.emails[v.ID] = email
	return v.ID
}

func (e *env) create(in incident.NewIncident) *privet.Incident {
	e.t.Helper()
	inc, err := e.inc.Create(e.ctx, tenancy.Operator(), e.tenant, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return inc
}

func breach() incident.NewIncident {
	return incident.NewIncident{
		Title: "Support mailbox exposed", Description: "A support mailbox was readable without a password for two days.",
		Categories: []string{"user.contact.email"}, Risk: privet.RiskHigh,
		Impact: "Your email address may receive phishing messages.", Measures: "The mailbox was closed and its password changed.",
		Advice: "Do not open links in unexpected emails that claim to be from us.", PasswordReset: true,
		Jurisdictions: []string{"EU", "CN"},
	}
}

func obligation(t *testing.T, v *incident.View, place, audience string) incident.Obligation {
	t.Helper()
	for _, o := range v.Obligations {
		if o.Jurisdiction == place && o.Audience == audience {
			return o
		}
	}
	t.Fatalf("no %s obligation to %s in %+v", place, audience, v.Obligations)
	return incident.Obligation{}
}

func TestRegulatorClock(t *testing.T) {
	e := newEnv(t)
	inc := e.create(breach())
	get := func() *incident.View {
		t.Helper()
		v, err := e.inc.Get(e.ctx, e.tenant, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v := get()
	eu := obligation(t, v, "EU", incident.ToRegulator)
	if !eu.Required || eu.Due == nil || !eu.Due.Equal(start.Add(72*time.Hour)) || eu.Citation == "" {
		t.Fatalf("EU regulator obligation: %+v", eu)
	}
	if cn := obligation(t, v, "CN", incident.ToRegulator); !cn.Required || cn.Due != nil || cn.Timing != "immediately" {
		t.Fatalf("PIPL: %+v", cn)
	}
	if p := obligation(t, v, "EU", incident.ToPeople); !p.Required || p.Due != nil {
		t.Fatalf("GDPR Art. 34 for a high risk: %+v", p)
	}
	if v.Overdue {
		t.Fatal("overdue at discovery")
	}
	e.clock.Advance(72 * time.Hour)
	if get().Overdue {
		t.Fatal("overdue at exactly 72 hours")
	}
	e.clock.Advance(time.Minute)
	if v := get(); !v.Overdue || !obligation(t, v, "EU", incident.ToRegulator).Overdue {
		t.Fatal("not overdue after 72 hours")
	}
	list, err := e.inc.List(e.ctx, e.tenant, privet.IncidentFilter{})
	if err != nil || len(list) != 1 || !list[0].Overdue || list[0].RegulatorDue == nil || !list[0].RegulatorDue.Equal(start.Add(72*time.Hour)) {
		t.Fatalf("list: %+v, %v", list, err)
	}
	if _, err := e.inc.RegulatorNotified(e.ctx, tenancy.Operator(), e.tenant, inc.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	v = get()
	if v.Overdue || v.Status != privet.IncidentNotified || obligation(t, v, "EU", incident.ToRegulator).Done == nil {
		t.Fatalf("after notifying the regulator: overdue %v, status %s", v.Overdue, v.Status)
	}
}

func TestNoRiskNoClock(t *testing.T) {
	e := newEnv(t)
	in := breach()
	in.Risk, in.Jurisdictions = privet.RiskNone, []string{"DE"}
	inc := e.create(in)
	e.clock.Advance(30 * 24 * time.Hour)
	v, err := e.inc.Get(e.ctx, e.tenant, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if reg := obligation(t, v, "EU", incident.ToRegulator); reg.Required || v.Overdue {
		t.Fatalf("a breach unlikely to result in a risk needs no notification (Art. 33(1)): %+v", reg)
	}
	// A risk that is not high: the regulator, but not the people (Art. 34(1)).
	in.Risk = privet.RiskSome
	inc = e.create(in)
	v, _ = e.inc.Get(e.ctx, e.tenant, inc.ID)
	if !obligation(t, v, "EU", incident.ToRegulator).Required || obligation(t, v, "EU", incident.ToPeople).Required {
		t.Fatalf("risk: %+v", v.Obligations)
	}
}

func TestCreateValidation(t *testing.T) {
	e := newEnv(t)
	future := start.Add(time.Hour)
	tests := []struct {
		name  string
		edit  func(in *incident.NewIncident)
		code  string
		field string
	}{
		{"no title", func(in *incident.NewIncident) { in.Title = " " }, privet.EINVALID, "title"},
		{"no description", func(in *incident.NewIncident) { in.Description = "" }, privet.EINVALID, "description"},
		{"no measures", func(in *incident.NewIncident) { in.Measures = "" }, privet.EINVALID, "measures"},
		{"long impact", func(in *incident.NewIncident) { in.Impact = strings.Repeat("x", 10_001) }, privet.ETOOLARGE, "impact"},
		{"no categories", func(in *incident.NewIncident) { in.Categories = nil }, privet.EINVALID, "categories"},
		{"unknown category", func(in *incident.NewIncident) { in.Categories = []string{"user.contact.email", "user.health"} }, privet.EINVALID, "categories[1]"},
		{"bad risk", func(in *incident.NewIncident) { in.Risk = "medium" }, privet.EINVALID, "risk"},
		{"discovered in the future", func(in *incident.NewIncident) { in.DiscoveredAt = future }, privet.EINVALID, "discovered_at"},
		{"occurred after discovery", func(in *incident.NewIncident) { in.DiscoveredAt = start; in.OccurredAt = &future }, privet.EINVALID, "occurred_at"},
		{"unknown jurisdiction", func(in *incident.NewIncident) { in.Jurisdictions = []string{"EU", "Atlantis"} }, privet.EINVALID, "jurisdictions[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := breach()
			tt.edit(&in)
			_, err := e.inc.Create(e.ctx, tenancy.Operator(), e.tenant, in)
			if privet.ErrorCode(err) != tt.code || privet.ErrorField(err) != tt.field {
				t.Fatalf("err = %v, want %s on %s", err, tt.code, tt.field)
			}
		})
	}
	list, err := e.inc.List(e.ctx, e.tenant, privet.IncidentFilter{})
	if err != nil || len(list) != 0 {
		t.Fatalf("a refused incident was written: %d, %v", len(list), err)
	}
	// A parent key covers the policy's categories below it; the policy's
	// jurisdictions are the default.
	in := breach()
	in.Categories, in.Jurisdictions = []string{"user.contact"}, nil
	inc := e.create(in)
	if len(inc.Jurisdictions) != 2 || inc.Jurisdictions[0] != "EU" {
		t.Fatalf("default jurisdictions: %v", inc.Jurisdictions)
	}
}

func TestFindAffected(t *testing.T) {
	e := newEnv(t)
	withEmail := e.person("DE", "ada@example.com")
	withEmailUS := e.person("US-CA", "grace@example.com")
	nameOnly := e.person("DE", "", vault.FieldInput{Name: "name", Category: "user.name", Value: "Alan"})
	inc := e.create(breach())

	n, err := e.inc.FindAffected(e.ctx, tenancy.Operator(), e.tenant, inc.ID, []string{"DE"})
	if err != nil || n != 1 {
		t.Fatalf("found %d in DE (%v), want 1", n, err)
	}
	n, err = e.inc.FindAffected(e.ctx, tenancy.Operator(), e.tenant, inc.ID, nil)
	if err != nil || n != 1 {
		t.Fatalf("then %d more anywhere (%v), want 1", n, err)
	}
	got, err := e.inc.Affected(e.ctx, e.tenant, inc.ID, privet.AffectedFilter{})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, a := range got {
		ids[a.SubjectID] = true
	}
	if len(got) != 2 || !ids[withEmail] || !ids[withEmailUS] || ids[nameOnly] {
		t.Fatalf("affected = %v", got)
	}
	// Another tenant's id is not found.
	if _, err := e.inc.FindAffected(e.ctx, tenancy.Operator(), e.other, inc.ID, nil); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Fatalf("other tenant: %v", err)
	}
	if _, err := e.inc.Affected(e.ctx, e.other, inc.ID, privet.AffectedFilter{}); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Fatalf("other tenant: %v", err)
	}
}

func TestNoticesSentOnceAcrossACrash(t *testing.T) {
	e := newEnv(t)
	var people []string
	for _, addr := range []string{"a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"} {
		people = append(people, e.person("DE", addr))
	}
	fieldOnly := e.person("DE", "", vault.FieldInput{Name: "work_email", Category: "user.contact.email", Value: "f@example.com"})
	e.person("DE", "", vault.FieldInput{Name: "name", Category: "user.name", Value: "Nobody"})
	inc := e.create(breach())

	n, err := e.inc.NotifyPeople(e.ctx, tenancy.Operator(), e.tenant, inc.ID)
	if err != nil || n != 6 {
		t.Fatalf("NotifyPeople: %d affected, %v; want 6", n, err)
	}
	jobs, err := e.svc.Store.(storetest.JobCounter).JobCount(e.ctx, incident.NoticeJob{}.Kind())
	if err != nil || jobs != 1 {
		t.Fatalf("notice jobs = %d (%v), want 1 enqueued with the decision", jobs, err)
	}

	// The mail server fails on the third message: the run stops there.
	e.mail.failAt = 3
	job := incident.NoticeJob{TenantID: e.tenant, IncidentID: inc.ID}
	d, err := e.inc.Deliver(e.ctx, job)
	if err == nil || d.Sent != 2 {
		t.Fatalf("first run: %+v, %v; want 2 sent and an error", d, err)
	}
	if strings.Contains(err.Error(), "@") {
		t.Fatalf("the error quotes an address: %v", err)
	}
	// The job is retried: only the people left are written to.
	d, err = e.inc.Deliver(e.ctx, job)
	if err != nil || d.Sent != 4 {
		t.Fatalf("rerun: %+v, %v; want the 4 left", d, err)
	}
	d, err = e.inc.Deliver(e.ctx, job)
	if err != nil || d.Sent != 0 {
		t.Fatalf("third run: %+v, %v; want nothing", d, err)
	}
	for _, id := range append(people, fieldOnly) {
		to := e.emails[id]
		if to == "" {
			to = "f@example.com"
		}
		if got := e.mail.count(to); got != 1 {
			t.Errorf("%s got %d notices, want 1", id, got)
		}
	}
	if e.mail.count("") != 0 || len(e.mail.sent) != 6 {
		t.Fatalf("%d messages sent, want 6", len(e.mail.sent))
	}

	m := e.mail.sent[0]
	for _, want := range []string{inc.Description, inc.Impact, inc.Measures, inc.Advice, "new password", "privacy@cipocloud.com"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("notice lacks %q:\n%s", want, m.Text)
		}
	}
	if !strings.Contains(m.Headers["Message-ID"], inc.ID) {
		t.Errorf("Message-ID %q does not name the incident", m.Headers["Message-ID"])
	}

	v, err := e.inc.Get(e.ctx, e.tenant, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.PeopleNotifiedAt == nil || v.Status != privet.IncidentNotified || v.Affected.Notified != 6 || v.Affected.People != 6 {
		t.Fatalf("after delivery: %+v", v)
	}
	if p := obligation(t, v, "EU", incident.ToPeople); p.Done == nil {
		t.Fatal("people notice not recorded as done")
	}
}

func TestNoSenderWaits(t *testing.T) {
	e := newEnv(t)
	e.person("DE", "a@example.com")
	inc := e.create(breach())
	if _, err := e.inc.NotifyPeople(e.ctx, tenancy.Operator(), e.tenant, inc.ID); err != nil {
		t.Fatal(err)
	}
	e.inc.Reacher = nil
	if _, err := e.inc.Deliver(e.ctx, incident.NoticeJob{TenantID: e.tenant, IncidentID: inc.ID}); privet.ErrorCode(err) != privet.EUNAVAILABLE {
		t.Fatalf("without a sender: %v, want unavailable", err)
	}
	if _, err := e.inc.Close(e.ctx, tenancy.Operator(), e.tenant, inc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.inc.NotifyPeople(e.ctx, tenancy.Operator(), e.tenant, inc.ID); privet.ErrorCode(err) != privet.ECONFLICT {
		t.Fatalf("notify a closed incident: %v", err)
	}
}

func TestPublicNotice(t *testing.T) {
	e := newEnv(t)
	inc := e.create(breach())
	if _, err := e.inc.Public(e.ctx, inc.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Fatalf("unpublished: %v", err)
	}
	e.clock.Advance(time.Hour)
	if _, err := e.inc.Publish(e.ctx, tenancy.Operator(), e.tenant, inc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.inc.Publish(e.ctx, tenancy.Operator(), e.other, inc.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Fatalf("another tenant publishes: %v", err)
	}
	a, err := e.inc.Public(e.ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != inc.Title || a.Measures != inc.Measures || a.Advice != inc.Advice || !a.PublishedAt.Equal(start.Add(time.Hour)) ||
		a.Controller != "CIPO Cloud Software Inc" || !a.PasswordReset {
		t.Fatalf("announcement: %+v", a)
	}
	v, _ := e.inc.Get(e.ctx, e.tenant, inc.ID)
	if p := obligation(t, v, "EU", incident.ToPeople); p.Done == nil || !p.Done.Equal(start.Add(time.Hour)) {
		t.Fatalf("a public notice stands for individual notice (Art. 34(3)(c)): %+v", p)
	}
}

func TestRegulatorReport(t *testing.T) {
	e := newEnv(t)
	e.person("DE", "a@example.com", vault.FieldInput{Name: "backup_email", Category: "user.contact.email", Value: "a2@example.com"})
	e.person("FR", "b@example.com")
	inc := e.create(breach())
	if _, err := e.inc.FindAffected(e.ctx, tenancy.Operator(), e.tenant, inc.ID, nil); err != nil {
		t.Fatal(err)
	}
	r, err := e.inc.RegulatorReport(e.ctx, tenancy.Operator(), e.tenant, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.People != 2 || r.Records != 3 || r.Nature != inc.Description || r.Consequences != inc.Impact || r.Measures != inc.Measures ||
		r.Contact.Email != "privacy@cipocloud.com" || len(r.Categories) != 1 || r.Categories[0].Name == "" {
		t.Fatalf("report: %+v", r)
	}
	md := r.Markdown()
	for _, want := range []string{"Art. 33(3)(a)", "Approximate number of people concerned: 2", "records concerned: 3", "privacy@cipocloud.com", inc.Measures, "GDPR Art. 33(1)"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if _, err := e.inc.RegulatorReport(e.ctx, tenancy.Operator(), e.other, inc.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Fatalf("another tenant's report: %v", err)
	}
}

// The incident's audit trail names people by id only: no address, no value.
func TestAuditHasNoPersonalData(t *testing.T) {
	e := newEnv(t)
	id := e.person("DE", "secret.person@example.com", vault.FieldInput{Name: "name", Category: "user.name", Value: "Zebulon Quux"})
	inc := e.create(breach())
	if _, err := e.inc.NotifyPeople(e.ctx, tenancy.Operator(), e.tenant, inc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.inc.Deliver(e.ctx, incident.NoticeJob{TenantID: e.tenant, IncidentID: inc.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.inc.RegulatorReport(e.ctx, tenancy.Operator(), e.tenant, inc.ID); err != nil {
		t.Fatal(err)
	}
	var evs []*privet.AuditEvent
	if err := e.svc.Store.View(e.ctx, func(tx privet.Tx) (err error) {
		evs, err = tx.AuditEvents(e.ctx, e.tenant, privet.AuditQuery{Limit: 1000})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{}
	for _, ev := range evs {
		actions[ev.Action] = true
		b, _ := json.Marshal(ev)
		for _, secret := range []string{"secret.person", "example.com", "Zebulon", inc.Description, inc.Title} {
			if strings.Contains(string(b), secret) {
				t.Errorf("audit event %s holds %q", ev.Action, secret)
			}
		}
		if ev.Action == "incident.notice_sent" && ev.SubjectID != id {
			t.Errorf("notice event names %q, want the subject id", ev.SubjectID)
		}
	}
	for _, want := range []string{"incident.create", "incident.affected", "incident.notify_people", "incident.notice_sent", "incident.people_notified", "incident.report"} {
		if !actions[want] {
			t.Errorf("no %s event", want)
		}
	}
	// The job's arguments are ids only: River keeps them in plain text.
	b, _ := json.Marshal(incident.NoticeJob{TenantID: e.tenant, IncidentID: inc.ID})
	if strings.Contains(string(b), "@") || strings.Count(string(b), ":") != 2 {
		t.Fatalf("job arguments: %s", b)
	}
}

// The notice in the translated templates: text and HTML, with what happened,
// its impact, what was done, the advice and the password reset.
func TestTemplateNotice(t *testing.T) {
	e := newEnv(t)
	tpl, err := notify.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	e.inc.Renderer = incident.TemplateRenderer{Templates: tpl}
	e.person("DE", "a@example.com")
	inc := e.create(breach())
	if _, err := e.inc.NotifyPeople(e.ctx, tenancy.Operator(), e.tenant, inc.ID); err != nil {
		t.Fatal(err)
	}
	if d, err := e.inc.Deliver(e.ctx, incident.NoticeJob{TenantID: e.tenant, IncidentID: inc.ID}); err != nil || d.Sent != 1 {
		t.Fatalf("deliver: %+v, %v", d, err)
	}
	m := e.mail.sent[0]
	for _, want := range []string{inc.Description, inc.Impact, inc.Measures, inc.Advice, "new password"} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("notice lacks %q:\n%s", want, m.Text)
		}
	}
	if m.Subject == "" || m.To != "a@example.com" {
		t.Errorf("subject %q to %q", m.Subject, m.To)
	}
}

// A notice purpose that may read neither email addresses nor phone numbers
// cannot have its people told: asking is refused at once, and no job is
// left to retry. A policy that reads phone numbers only (users give a
// mobile number, no email) may: its people are texted.
func TestNotifyRefusedWithoutAnAddressPurpose(t *testing.T) {
	e := newEnv(t)
	inc := e.create(breach())
	src, err := examples.FS.ReadFile("codropshipping/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	noEmail, err := policy.Parse("codropshipping/policy.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	e.inc.Policies = vault.StaticPolicy{Compiled: noEmail}
	e.inc.NoticePurpose = "essential.service.payment_processing"
	if _, err := e.inc.NotifyPeople(e.ctx, tenancy.Operator(), e.tenant, inc.ID); privet.ErrorCode(err) != privet.EINVALID {
		t.Fatalf("NotifyPeople = %v, want EINVALID", err)
	}
	if n, err := e.svc.Store.(storetest.JobCounter).JobCount(e.ctx, incident.NoticeJob{}.Kind()); err != nil || n != 0 {
		t.Fatalf("notice jobs = %d (%v), want none", n, err)
	}
	e.inc.NoticePurpose = ""
	if _, err := e.inc.NotifyPeople(e.ctx, tenancy.Operator(), e.tenant, inc.ID); err != nil {
		t.Fatalf("NotifyPeople under a policy reading phone numbers: %v", err)
	}
}

// A person known by phone alone is texted the notice's short form; while no
// SMS sender is configured, they are counted as no address and left pending,
// and the people after them are still emailed.
func TestNoticeByTextMessage(t *testing.T) {
	e := newEnv(t)
	in := breach()
	in.Categories = []string{"user.contact.phone_number", "user.contact.email"}
	inc := e.create(in)
	// CIPO Cloud's legal obligation reads email only: the operator chooses
	// the purpose that also reads phone numbers.
	e.inc.NoticePurpose = "essential.service"
	mobile := e.person("DE", "")
	emailed := e.person("DE", "z@example.com")
	if _, err := e.inc.NotifyPeople(e.ctx, tenancy.Operator(), e.tenant, inc.ID); err != nil {
		t.Fatal(err)
	}
	job := incident.NoticeJob{TenantID: e.tenant, IncidentID: inc.ID}
	d, err := e.inc.Deliver(e.ctx, job)
	if err != nil || d.Sent != 1 || d.NoAddress != 1 || e.mail.count(e.emails[emailed]) != 1 {
		t.Fatalf("without an SMS sender: %+v, %v; want the email sent and the mobile counted", d, err)
	}
	const secret = "incident-test-secret-0123"
	receiver := notifytest.NewSMSServer(t, secret)
	sms, err := notify.NewWebhookSMS(receiver.URL(), secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.inc.Reacher.SMS = sms
	if d, err = e.inc.Deliver(e.ctx, job); err != nil || d.Sent != 1 || d.BySMS != 1 || d.NoAddress != 0 {
		t.Fatalf("with an SMS sender: %+v, %v; want the mobile texted", d, err)
	}
	texts := receiver.Messages()
	if len(texts) != 1 || texts[0].To != "+4915112000001" || !strings.Contains(texts[0].Text, "security incident") ||
		!strings.Contains(texts[0].Text, in.Description) || !strings.Contains(texts[0].Text, inc.ID) {
		t.Fatalf("text messages: %+v", texts)
	}
	if d, err = e.inc.Deliver(e.ctx, job); err != nil || d.Sent != 0 || len(receiver.Messages()) != 1 {
		t.Fatalf("third run: %+v, %v; want nobody told twice", d, err)
	}
	var evs []*privet.AuditEvent
	if err := e.svc.Store.View(e.ctx, func(tx privet.Tx) (err error) {
		evs, err = tx.AuditEvents(e.ctx, e.tenant, privet.AuditQuery{Limit: 1000})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var byText bool
	for _, ev := range evs {
		byText = byText || (ev.SubjectID == mobile && ev.Action == "incident.notice_sent" && strings.HasSuffix(ev.Reason, "by sms"))
	}
	if !byText {
		t.Error("the text message is not in the audit log")
	}
}
