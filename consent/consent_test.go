package consent_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/crypto/cryptotest"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/postgres"
	"github.com/privet-dev/privet/sqlite"
	"github.com/privet-dev/privet/vault"
)

const (
	email     = "marketing.communications.email"
	targeted  = "marketing.advertising.third_party.targeted"
	fraud     = "essential.fraud_detection"
	service   = "essential.service"
	analytics = "analytics.reporting"
)

var (
	start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	api   = privet.Actor{Type: privet.ActorAPIKey, ID: "key_test"}
)

// env is a consent service over a real store, with one tenant.
type env struct {
	svc    *consent.Service
	store  privet.Store
	master *crypto.Master
	pol    *policy.Compiled
	clock  *privet.ManualClock
	tenant string
}

// loadPolicy returns the cipo-cloud policy with a 12-month renewal on
// marketing email, so expiry can be tested.
func loadPolicy(t testing.TB) *policy.Compiled {
	t.Helper()
	src, err := examples.FS.ReadFile("cipo-cloud/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.Parse("cipo-cloud/policy.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	for i := range pol.Policy.Purposes {
		if pol.Policy.Purposes[i].Key == email {
			pol.Policy.Purposes[i].Renewal = "12m"
		}
	}
	return pol
}

func openSQLite(t testing.TB) privet.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "privet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// openPostgres opens a store in a fresh schema, or skips without a database.
func openPostgres(t testing.TB, schema string) privet.Store {
	t.Helper()
	url := os.Getenv("PRIVET_TEST_POSTGRES_URL")
	if url == "" {
		t.Skip("PRIVET_TEST_POSTGRES_URL is not set")
	}
	st, err := postgres.Open(context.Background(), url, postgres.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// eachStore runs test on a fresh SQLite store and on a fresh PostgreSQL
// schema (when configured).
func eachStore(t *testing.T, test func(t *testing.T, st privet.Store)) {
	t.Run("sqlite", func(t *testing.T) { test(t, openSQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		test(t, openPostgres(t, "consent_"+strings.ToLower(privet.NewID("t"))))
	})
}

func newMaster(t testing.TB) *crypto.Master {
	t.Helper()
	m := cryptotest.Master(t)
	return m
}

func newEnv(t testing.TB, st privet.Store) *env {
	t.Helper()
	e := &env{store: st, master: newMaster(t), pol: loadPolicy(t), clock: privet.NewManualClock(start)}
	e.svc = e.service()
	e.tenant = privet.NewID(privet.PrefixTenant)
	err := st.Update(context.Background(), func(tx privet.Tx) error {
		return tx.CreateTenant(context.Background(), &privet.Tenant{ID: e.tenant, Name: "Acme", CreatedAt: start})
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// service returns another service over the same store: a restart, or a
// second server.
func (e *env) service() *consent.Service {
	return &consent.Service{Store: e.store, Master: e.master, Policies: vault.StaticPolicy{Compiled: e.pol}, Clock: e.clock}
}

func (e *env) subject(t testing.TB, place, ageBand string, status privet.SubjectStatus) string {
	t.Helper()
	s := &privet.Subject{ID: privet.NewID(privet.PrefixSubject), TenantID: e.tenant, Jurisdiction: place, Status: status,
		AgeBand: ageBand, CreatedAt: start, UpdatedAt: start, LastActivityAt: start}
	if err := e.store.Update(context.Background(), func(tx privet.Tx) error { return tx.CreateSubject(context.Background(), s) }); err != nil {
		t.Fatal(err)
	}
	return s.ID
}

func (e *env) record(t testing.TB, in consent.RecordInput) *privet.ConsentEvent {
	t.Helper()
	if in.Source == "" {
		in.Source = privet.SourceAPI
	}
	ev, err := e.svc.Record(context.Background(), api, e.tenant, in)
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	return ev
}

func (e *env) decide(t testing.TB, svc *consent.Service, in consent.DecideInput) consent.Decision {
	t.Helper()
	d, err := svc.Decide(context.Background(), e.tenant, in)
	if err != nil {
		t.Fatalf("Decide: %v", err)
	}
	return d
}

func wantCode(t testing.TB, err error, code, field string) {
	t.Helper()
	if privet.ErrorCode(err) != code || privet.ErrorField(err) != field {
		t.Fatalf("error = %v, want %s on %q", err, code, field)
	}
}

// step is one thing that happens before a decision.
type step struct {
	state    privet.ConsentState
	source   privet.ConsentSource
	purpose  string // "" for the purpose decided
	guardian bool
	advance  time.Duration
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name       string
		place, age string
		status     privet.SubjectStatus
		purpose    string
		steps      []step
		allowed    bool
		reason     string
		basis      string
	}{
		{name: "opt-in without consent", place: "DE", purpose: email, reason: consent.ReasonNoConsent, basis: "consent"},
		{name: "opt-in given", place: "DE", purpose: email, steps: []step{{state: privet.StateGiven}}, allowed: true, reason: consent.ReasonConsentGiven, basis: "consent"},
		{name: "withdrawn in the same instant", place: "DE", purpose: email,
			steps: []step{{state: privet.StateGiven}, {state: privet.StateWithdrawn}}, reason: consent.ReasonWithdrawn, basis: "consent"},
		{name: "given again after withdrawal", place: "FR", purpose: email,
			steps: []step{{state: privet.StateWithdrawn}, {state: privet.StateGiven}}, allowed: true, reason: consent.ReasonConsentGiven, basis: "consent"},
		{name: "refused", place: "DE", purpose: email, steps: []step{{state: privet.StateRefused}}, reason: consent.ReasonRefused, basis: "consent"},
		{name: "needs renewal", place: "DE", purpose: email, steps: []step{{state: privet.StateNeedsRenewal}}, reason: consent.ReasonNeedsRenewal, basis: "consent"},
		{name: "renewal period passed", place: "DE", purpose: email,
			steps: []step{{state: privet.StateGiven}, {advance: 366 * 24 * time.Hour}}, reason: consent.ReasonExpired, basis: "consent"},
		{name: "renewal period not yet passed", place: "DE", purpose: email,
			steps: []step{{state: privet.StateGiven}, {advance: 364 * 24 * time.Hour}}, allowed: true, reason: consent.ReasonConsentGiven, basis: "consent"},
		{name: "consent for another purpose", place: "DE", purpose: email,
			steps: []step{{state: privet.StateGiven, purpose: analytics}}, reason: consent.ReasonNoConsent, basis: "consent"},
		{name: "opt-out purpose allowed", place: "US-CA", purpose: email, allowed: true, reason: consent.ReasonNotOptedOut, basis: "legitimate_interests"},
		{name: "opt-out exercised", place: "US-CA", purpose: email, steps: []step{{state: privet.StateWithdrawn}}, reason: consent.ReasonOptedOut, basis: "legitimate_interests"},
		{name: "GPC where the law honours it", place: "US-CA", purpose: targeted,
			steps: []step{{state: privet.StateRefused, source: privet.SourceGPC, purpose: "-"}}, reason: consent.ReasonGPC, basis: "legitimate_interests"},
		{name: "GPC does not stop other purposes", place: "US-CA", purpose: email,
			steps: []step{{state: privet.StateRefused, source: privet.SourceGPC, purpose: "-"}}, allowed: true, reason: consent.ReasonNotOptedOut, basis: "legitimate_interests"},
		{name: "GPC where no law requires it", place: "US-NY", purpose: targeted,
			steps: []step{{state: privet.StateRefused, source: privet.SourceGPC, purpose: "-"}}, allowed: true, reason: consent.ReasonNotOptedOut, basis: "legitimate_interests"},
		{name: "notice purpose", place: "DE", purpose: service, allowed: true, reason: consent.ReasonNotice, basis: "legitimate_interests"},
		{name: "restricted subject", place: "DE", status: privet.StatusRestricted, purpose: email,
			steps: []step{{state: privet.StateGiven}}, reason: consent.ReasonRestricted, basis: "consent"},
		{name: "restricted subject, purpose allowed under restriction", place: "DE", status: privet.StatusRestricted, purpose: fraud,
			allowed: true, reason: consent.ReasonNotice, basis: "legitimate_interests"},
		{name: "child without guardian consent", place: "DE", age: "under_13", purpose: email,
			steps: []step{{state: privet.StateGiven}}, reason: consent.ReasonGuardianRequired, basis: "consent"},
		{name: "child with guardian consent", place: "DE", age: "under_13", purpose: email,
			steps: []step{{state: privet.StateGiven, guardian: true}}, allowed: true, reason: consent.ReasonConsentGiven, basis: "consent"},
		{name: "teen above the policy's minimum age", place: "DE", age: "13_15", purpose: email,
			steps: []step{{state: privet.StateGiven}}, allowed: true, reason: consent.ReasonConsentGiven, basis: "consent"},
	}
	e := newEnv(t, openSQLite(t))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.clock.Set(start)
			status := tt.status
			if status == "" {
				status = privet.StatusActive
			}
			sub := e.subject(t, tt.place, tt.age, status)
			for _, s := range tt.steps {
				if s.advance != 0 {
					e.clock.Advance(s.advance)
					continue
				}
				purpose := tt.purpose
				switch s.purpose {
				case "-":
					purpose = ""
				case "":
				default:
					purpose = s.purpose
				}
				e.record(t, consent.RecordInput{Party: consent.Party{SubjectID: sub}, Purpose: purpose, State: s.state, Source: s.source, Guardian: s.guardian})
			}
			in := consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: tt.purpose}
			for name, svc := range map[string]*consent.Service{"memory": e.svc, "reloaded": e.service()} {
				d := e.decide(t, svc, in)
				if d.Allowed != tt.allowed || d.Reason != tt.reason || d.Basis != tt.basis || d.SubjectID != sub {
					t.Errorf("%s: decision = %+v, want allowed %v, reason %s, basis %s", name, d, tt.allowed, tt.reason, tt.basis)
				}
				ds, err := svc.DecideBatch(context.Background(), e.tenant, tt.purpose, []string{sub})
				if err != nil || len(ds) != 1 || ds[0] != d {
					t.Errorf("%s: batch = %+v, %v; single = %+v", name, ds, err, d)
				}
			}
		})
	}
}

func TestDecideErrors(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	sub := e.subject(t, "DE", "", privet.StatusActive)
	ctx := context.Background()
	_, err := e.svc.Decide(ctx, e.tenant, consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: "no.such.purpose"})
	wantCode(t, err, privet.EINVALID, "purpose")
	_, err = e.svc.Decide(ctx, e.tenant, consent.DecideInput{Party: consent.Party{SubjectID: "sub_missing"}, Purpose: email})
	wantCode(t, err, privet.ENOTFOUND, "")
	_, err = e.svc.Decide(ctx, e.tenant, consent.DecideInput{Purpose: email})
	wantCode(t, err, privet.EINVALID, "subject_id")
	_, err = e.svc.Decide(ctx, e.tenant, consent.DecideInput{Party: consent.Party{CookieID: "bad cookie!"}, Purpose: email})
	wantCode(t, err, privet.EINVALID, "cookie_id")
	_, err = e.svc.DecideBatch(ctx, e.tenant, "no.such.purpose", []string{sub})
	wantCode(t, err, privet.EINVALID, "purpose")
	_, err = e.svc.DecideBatch(ctx, e.tenant, email, make([]string, consent.MaxBatch+1))
	wantCode(t, err, privet.ETOOLARGE, "subject_ids")
	ds, err := e.svc.DecideBatch(ctx, e.tenant, email, []string{"sub_missing", sub})
	if err != nil || ds[0].Reason != consent.ReasonNotFound || ds[0].Allowed || ds[1].Reason != consent.ReasonNoConsent {
		t.Fatalf("batch with an unknown subject = %+v, %v", ds, err)
	}
}

func TestRecordValidation(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	sub := e.subject(t, "DE", "", privet.StatusActive)
	who := consent.Party{SubjectID: sub}
	tests := []struct {
		name  string
		in    consent.RecordInput
		code  string
		field string
	}{
		{"no party", consent.RecordInput{Purpose: email, State: privet.StateGiven, Source: privet.SourceAPI}, privet.EINVALID, "subject_id"},
		{"unknown purpose", consent.RecordInput{Party: who, Purpose: "x.y", State: privet.StateGiven, Source: privet.SourceAPI}, privet.EINVALID, "purpose"},
		{"no purpose", consent.RecordInput{Party: who, State: privet.StateGiven, Source: privet.SourceAPI}, privet.EINVALID, "purpose"},
		{"unknown state", consent.RecordInput{Party: who, Purpose: email, State: "maybe", Source: privet.SourceAPI}, privet.EINVALID, "state"},
		{"linked is no state", consent.RecordInput{Party: who, Purpose: email, State: privet.StateLinked, Source: privet.SourceAPI}, privet.EINVALID, "state"},
		{"unknown source", consent.RecordInput{Party: who, Purpose: email, State: privet.StateGiven, Source: "fax"}, privet.EINVALID, "source"},
		{"bad ip", consent.RecordInput{Party: who, Purpose: email, State: privet.StateGiven, Source: privet.SourceAPI, IP: "300.1.1.1"}, privet.EINVALID, "ip"},
		{"bad cookie", consent.RecordInput{Party: consent.Party{CookieID: "a b"}, Purpose: email, State: privet.StateGiven, Source: privet.SourceAPI}, privet.EINVALID, "cookie_id"},
		{"unknown subject", consent.RecordInput{Party: consent.Party{SubjectID: "sub_missing"}, Purpose: email, State: privet.StateGiven, Source: privet.SourceAPI}, privet.ENOTFOUND, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Record(context.Background(), api, e.tenant, tt.in)
			wantCode(t, err, tt.code, tt.field)
		})
	}
}

func TestRecordEvidenceAndAudit(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	sub := e.subject(t, "DE", "", privet.StatusActive)
	const cookie = "ck_4f2a9"
	ev := e.record(t, consent.RecordInput{Party: consent.Party{SubjectID: sub, CookieID: cookie}, Purpose: email,
		State: privet.StateGiven, Source: privet.SourceBanner, NoticeHash: "n1", UserAgent: "Mozilla/5.0", IP: "198.51.100.77"})
	if ev.IP != "198.51.100.0" || ev.Jurisdiction != "DE" || ev.PolicyVersion != e.pol.Hash || !ev.Time.Equal(start) || ev.Seq == 0 {
		t.Fatalf("event = %+v", ev)
	}
	if string(ev.Visitor) == cookie || len(ev.Visitor) != crypto.BlindIndexSize {
		t.Fatal("the event keeps the raw cookie id instead of its blind index")
	}
	var audits []*privet.AuditEvent
	err := e.store.View(context.Background(), func(tx privet.Tx) (err error) {
		audits, err = tx.AuditEvents(context.Background(), e.tenant, privet.AuditQuery{Action: "consent.record"})
		return err
	})
	if err != nil || len(audits) != 1 || audits[0].SubjectID != sub || audits[0].Purpose != email || audits[0].Reason != "given" {
		t.Fatalf("audit = %+v, %v", audits, err)
	}
	evs, err := e.svc.Events(context.Background(), e.tenant, consent.Party{SubjectID: sub}, 0, 0)
	if err != nil || len(evs) != 2 || evs[0].State != privet.StateLinked || evs[1].ID != ev.ID {
		t.Fatalf("events = %+v, %v", evs, err)
	}
	if _, err := e.svc.Events(context.Background(), e.tenant, consent.Party{SubjectID: "sub_missing"}, 0, 0); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Fatalf("events of an unknown subject: %v", err)
	}
}

func TestTruncateIP(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"203.0.113.77", "203.0.113.0"},
		{"::ffff:203.0.113.77", "203.0.113.0"},
		{"2001:db8:1234:5678::1", "2001:db8:1234::"},
		{"fe80::1%eth0", "fe80::"},
	}
	for _, tt := range tests {
		if got := consent.TruncateIP(tt.in); got != tt.want {
			t.Errorf("TruncateIP(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A visitor's choices, before and after it becomes known, count as the
// subject's; a restart rebuilds the same answer from the ledger.
func TestVisitorJoinsSubject(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	const cookie = "visitor-1"
	visitor := consent.Party{CookieID: cookie}
	e.record(t, consent.RecordInput{Party: visitor, Purpose: "", State: privet.StateRefused, Source: privet.SourceGPC, Jurisdiction: "US-CA"})
	if d := e.decide(t, e.svc, consent.DecideInput{Party: visitor, Purpose: targeted}); d.Allowed || d.Reason != consent.ReasonGPC {
		t.Fatalf("visitor after GPC: %+v", d)
	}
	if d := e.decide(t, e.svc, consent.DecideInput{Party: visitor, Purpose: targeted, Jurisdiction: "US-NY"}); !d.Allowed {
		t.Fatalf("visitor in a place without GPC law: %+v", d)
	}
	// A policy may honour GPC everywhere.
	e.pol.Policy.HonourGPC = true
	if d := e.decide(t, e.svc, consent.DecideInput{Party: visitor, Purpose: targeted, Jurisdiction: "US-NY"}); d.Allowed || d.Reason != consent.ReasonGPC {
		t.Fatalf("visitor in a place without GPC law, policy honouring it everywhere: %+v", d)
	}
	e.pol.Policy.HonourGPC = false
	sub := e.subject(t, "US-CA", "adult", privet.StatusActive)
	if d := e.decide(t, e.svc, consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: targeted}); !d.Allowed {
		t.Fatalf("subject before the link: %+v", d)
	}
	if err := e.svc.Link(context.Background(), api, e.tenant, sub, cookie); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Link(context.Background(), api, e.tenant, sub, cookie); err != nil {
		t.Fatalf("linking twice: %v", err)
	}
	other := e.subject(t, "US-CA", "adult", privet.StatusActive)
	wantCode(t, e.svc.Link(context.Background(), api, e.tenant, other, cookie), privet.ECONFLICT, "")
	// A later choice made under the cookie counts for the subject too.
	e.record(t, consent.RecordInput{Party: visitor, Purpose: email, State: privet.StateWithdrawn, Source: privet.SourceBanner})
	for name, svc := range map[string]*consent.Service{"memory": e.svc, "reloaded": e.service()} {
		if d := e.decide(t, svc, consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: targeted}); d.Reason != consent.ReasonGPC {
			t.Errorf("%s: subject after the link: %+v", name, d)
		}
		if d := e.decide(t, svc, consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: email}); d.Reason != consent.ReasonOptedOut {
			t.Errorf("%s: subject after a later visitor choice: %+v", name, d)
		}
		if d := e.decide(t, svc, consent.DecideInput{Party: visitor, Purpose: email}); d.Reason != consent.ReasonOptedOut {
			t.Errorf("%s: linked visitor decides as its subject: %+v", name, d)
		}
	}
}

// A restriction made in the vault reaches decisions once the service
// forgets the subject's attributes, or the profile TTL passes.
func TestRestrictionReachesDecisions(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	sub := e.subject(t, "US-CA", "adult", privet.StatusActive)
	in := consent.DecideInput{Party: consent.Party{SubjectID: sub}, Purpose: email}
	if d := e.decide(t, e.svc, in); !d.Allowed {
		t.Fatalf("before: %+v", d)
	}
	restrict := func() {
		err := e.store.Update(context.Background(), func(tx privet.Tx) error {
			s, err := tx.Subject(context.Background(), e.tenant, sub)
			if err != nil {
				return err
			}
			s.Status = privet.StatusRestricted
			return tx.UpdateSubject(context.Background(), s)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	restrict()
	e.clock.Advance(consent.DefaultProfileTTL)
	if d := e.decide(t, e.svc, in); d.Reason != consent.ReasonRestricted {
		t.Fatalf("after the TTL: %+v", d)
	}
	sub = e.subject(t, "US-CA", "adult", privet.StatusActive)
	in.SubjectID = sub
	e.decide(t, e.svc, in)
	restrict()
	e.svc.Forget(e.tenant, sub)
	if d := e.decide(t, e.svc, in); d.Reason != consent.ReasonRestricted {
		t.Fatalf("after Forget: %+v", d)
	}
}
