package policies_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/crypto/cryptotest"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/policies"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// start is the clock's time when each test begins.
var start = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

const email = "marketing.communications.email"

var admin = privet.Actor{Type: privet.ActorAdmin, ID: "cli"}

// env is one privet over a real store: the policies service serving the
// vault and consent services, as cmd/privet wires them.
type env struct {
	store    privet.Store
	clock    *privet.ManualClock
	fallback *policy.Compiled
	pol      *policies.Service
	vault    *vault.Service
	consent  *consent.Service
	sender   *sender
	tenancy  *tenancy.Service
	tenant   string
}

func newEnv(t testing.TB, engine string) *env {
	t.Helper()
	store, keys := storetest.Open(t, engine)
	master := cryptotest.Master(t)
	e := &env{store: store, clock: privet.NewManualClock(start), sender: &sender{}}
	var err error
	if e.fallback, err = policy.Parse("cipo-cloud/policy.yaml", source(t)); err != nil {
		t.Fatal(err)
	}
	e.pol = &policies.Service{Store: store, Fallback: e.fallback, Clock: e.clock}
	e.vault = &vault.Service{Store: store, Keys: keys, Master: master, Policies: e.pol, Clock: e.clock}
	e.consent = &consent.Service{Store: store, Master: master, Policies: e.pol, Clock: e.clock}
	t.Cleanup(func() { _ = e.consent.Close() })
	e.pol.Renewer = e.consent
	e.pol.Notices = &policies.Notices{Sender: e.sender, Subjects: e.vault}
	e.tenancy = &tenancy.Service{Store: store, Master: master, Clock: e.clock}
	tn, err := e.tenancy.CreateTenant(context.Background(), "Acme")
	if err != nil {
		t.Fatal(err)
	}
	e.tenant = tn.ID
	return e
}

// source is the cipo-cloud example policy, without its required email: the
// notices tests keep a person the service knows by phone alone, who gets none.
func source(t testing.TB) []byte {
	t.Helper()
	src, err := examples.FS.ReadFile("cipo-cloud/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Replace(src, []byte("required: true  # C1"), nil, 1)
}

// variant is the example as another version, effective on the date, with
// each pair of edits applied.
func variant(t testing.TB, version, effective string, edits ...string) []byte {
	t.Helper()
	s := string(source(t))
	edits = append([]string{`version: "2021-02-05"`, `version: "` + version + `"`,
		`effective: "2021-02-05"`, `effective: "` + effective + `"`}, edits...)
	for i := 0; i < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			t.Fatalf("the example policy changed: %q is gone", edits[i])
		}
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	return []byte(s)
}

// Edits that change the example materially.
var (
	// widenEmail makes marketing email also read phone numbers.
	widenEmail = []string{
		"categories: [user.contact.email, user.name, user.professional_information]\n    basis: {EU: consent",
		"categories: [user.contact.email, user.name, user.professional_information, user.contact.phone_number]\n    basis: {EU: consent",
	}
	// dropErasure takes the right to erasure away outside the EU.
	dropErasure = []string{`"*": [access, rectification, erasure]`, `"*": [access, rectification]`}
)

func (e *env) subject(t *testing.T, ids ...vault.IdentityInput) string {
	t.Helper()
	v, err := e.vault.Create(context.Background(), admin, e.tenant, vault.CreateInput{Jurisdiction: "DE", Identities: ids})
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

func mail(addr string) vault.IdentityInput {
	return vault.IdentityInput{Type: privet.IdentityEmail, Value: addr}
}

func (e *env) publish(t testing.TB, src []byte, allowRightsReduction bool) *policies.Published {
	t.Helper()
	p, err := e.pol.Publish(context.Background(), admin, e.tenant, policies.PublishInput{Source: src, AllowRightsReduction: allowRightsReduction})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	return p
}

func (e *env) inForce(t *testing.T) string {
	t.Helper()
	c, err := e.pol.Policy(context.Background(), e.tenant)
	if err != nil {
		t.Fatal(err)
	}
	return c.Policy.Version
}

func (e *env) allowed(t *testing.T, subjectID, purpose string) bool {
	t.Helper()
	d, err := e.consent.Decide(context.Background(), e.tenant, consent.DecideInput{Party: consent.Party{SubjectID: subjectID}, Purpose: purpose})
	if err != nil {
		t.Fatal(err)
	}
	return d.Allowed
}

// sender records the emails it accepts; it refuses the one numbered failAt.
type sender struct {
	mu     sync.Mutex
	sent   []notify.Message
	calls  int
	failAt int
}

func (s *sender) Send(_ context.Context, m notify.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls == s.failAt {
		return errors.New("421 try again later")
	}
	s.sent = append(s.sent, m)
	return nil
}

func (s *sender) recipients() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var to []string
	for _, m := range s.sent {
		to = append(to, m.To)
	}
	return to
}

func engines(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) { fn(t, newEnv(t, engine)) })
	}
}

func TestVersionInForce(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if got := e.inForce(t); got != "2021-02-05" {
			t.Fatalf("without versions Policy = %s, want the configured policy", got)
		}
		// Not material: the same policy under a new version, so any date goes.
		p := e.publish(t, variant(t, "2026-04", "2026-04-01"), false)
		if p.Version.Material || p.NoticesScheduled || len(p.Changes) != 0 {
			t.Errorf("Publish of an unchanged policy = %+v, want no changes", p)
		}
		if got := e.inForce(t); got != "2021-02-05" {
			t.Errorf("before its effective date Policy = %s, want the configured policy still", got)
		}
		vs, err := e.pol.Versions(ctx, e.tenant)
		if err != nil || len(vs) != 1 || vs[0].Status != policies.StatusScheduled {
			t.Fatalf("Versions = %+v, %v; want one scheduled", vs, err)
		}
		e.clock.Set(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
		if got := e.inForce(t); got != "2026-04" {
			t.Errorf("on its effective date Policy = %s, want 2026-04", got)
		}
		vs, _ = e.pol.Versions(ctx, e.tenant)
		if vs[0].Status != policies.StatusInForce {
			t.Errorf("status = %s, want in_force", vs[0].Status)
		}
		// A second tenant is not served the first one's version.
		other, err := e.tenancy.CreateTenant(ctx, "Other")
		if err != nil {
			t.Fatal(err)
		}
		{
			if c, err := e.pol.Policy(ctx, other.ID); err != nil || c.Policy.Version != "2021-02-05" {
				t.Errorf("other tenant's Policy = %v, %v; want the configured policy", c, err)
			}
			if _, err := e.pol.Version(ctx, other.ID, "2026-04"); privet.ErrorCode(err) != privet.ENOTFOUND {
				t.Errorf("other tenant's Version = %v, want not found", err)
			}
		}
		one, err := e.pol.Version(ctx, e.tenant, "2026-04")
		if err != nil || one.Source != string(variant(t, "2026-04", "2026-04-01")) || one.SHA256 == "" {
			t.Errorf("Version = %+v, %v; want the source as published", one, err)
		}
	})
}

func TestPublishRefuses(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.publish(t, variant(t, "2026-04", "2026-04-01"), false)
		cases := []struct {
			name  string
			in    policies.PublishInput
			code  string
			field string
			has   string
		}{
			{"empty", policies.PublishInput{}, privet.EINVALID, "source", ""},
			{"invalid policy", policies.PublishInput{Name: "p.yaml", Source: variant(t, "x", "2026-05-01", "basis: {EU: consent", "basis: {EU: maybe")},
				privet.EINVALID, "", "p.yaml:"},
			{"duplicate version", policies.PublishInput{Source: variant(t, "2026-04", "2026-06-01")}, privet.ECONFLICT, "", ""},
			// C11: a material change needs changes.before (30d) of notice.
			{"material change too soon", policies.PublishInput{Source: variant(t, "2026-05", "2026-04-08", widenEmail...)},
				privet.EINVALID, "effective", "30d"},
			{"material change effective in the past", policies.PublishInput{Source: variant(t, "2026-05", "2026-03-01", widenEmail...)},
				privet.EINVALID, "effective", ""},
			// D21: a right is not taken away without the explicit flag.
			{"right removed without the flag", policies.PublishInput{Source: variant(t, "2026-06", "2026-06-01", dropErasure...)},
				privet.EINVALID, "allow_rights_reduction", "erasure"},
		}
		for _, c := range cases {
			_, err := e.pol.Publish(ctx, admin, e.tenant, c.in)
			if privet.ErrorCode(err) != c.code || privet.ErrorField(err) != c.field || !strings.Contains(privet.ErrorMessage(err), c.has) {
				t.Errorf("%s: Publish = %v (field %q), want %s naming %q with %q", c.name, err, privet.ErrorField(err), c.code, c.field, c.has)
			}
		}
		vs, err := e.pol.Versions(ctx, e.tenant)
		if err != nil || len(vs) != 1 {
			t.Errorf("after refusals Versions = %d, %v; want only the first: nothing half-written", len(vs), err)
		}
		var problems *policy.Problems
		_, err = e.pol.Publish(ctx, admin, e.tenant, policies.PublishInput{Name: "p.yaml", Source: []byte("version: [")})
		if !errors.As(err, &problems) || !strings.Contains(err.Error(), "p.yaml:1:") {
			t.Errorf("a syntax error = %v, want policy problems with file:line:col", err)
		}
	})
}

func TestMaterialChangeNoticesAndRenewal(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		gave := e.subject(t, mail("ada@example.com"))
		other := e.subject(t, mail("bob@example.com"))
		closed := e.subject(t, mail("cy@example.com"))
		e.subject(t, vault.IdentityInput{Type: privet.IdentityPhone, Value: "+4915112345678"}) // no email: no notice
		if err := e.vault.Close(ctx, admin, e.tenant, closed); err != nil {
			t.Fatal(err)
		}
		if _, err := e.consent.Record(ctx, admin, e.tenant, consent.RecordInput{Party: consent.Party{SubjectID: gave}, Purpose: email, State: privet.StateGiven, Source: privet.SourceAPI}); err != nil {
			t.Fatal(err)
		}

		p := e.publish(t, variant(t, "2026-05", "2026-04-09", widenEmail...), false)
		if !p.Version.Material || !p.NoticesScheduled || p.Previous != "" {
			t.Fatalf("Publish = %+v, want a material change with notices scheduled", p)
		}
		if jc, ok := e.store.(storetest.JobCounter); ok {
			if n, err := jc.JobCount(ctx, policies.NoticeJob{}.Kind()); err != nil || n != 1 {
				t.Errorf("notice jobs = %d, %v; want 1 enqueued with the version", n, err)
			}
		}

		// The first email is refused: the job fails and is retried; the
		// retry tells everyone once, the one refused included.
		e.sender.failAt = 1
		job := policies.NoticeJob{TenantID: e.tenant, Version: "2026-05"}
		if _, err := e.pol.SendNotices(ctx, job); privet.ErrorCode(err) != privet.EUNAVAILABLE {
			t.Fatalf("SendNotices with a refusing server = %v, want unavailable", err)
		}
		for run, want := range []int{2, 0} {
			n, err := e.pol.SendNotices(ctx, job)
			if err != nil || n != want {
				t.Errorf("SendNotices run %d = %d, %v; want %d", run+2, n, err, want)
			}
		}
		to := e.sender.recipients()
		if len(to) != 2 || !contains(to, "ada@example.com") || !contains(to, "bob@example.com") {
			t.Errorf("notices went to %v, want each active subject with an email once", to)
		}
		msg := e.sender.sent[0]
		if !strings.Contains(msg.Text, "user.contact.phone_number") || !strings.Contains(msg.Text, "2026-04-09") ||
			!strings.Contains(msg.Text, "ask for it again") {
			t.Errorf("notice text = %q, want the change, the date and that consent is asked again", msg.Text)
		}
		for _, id := range []string{gave, other} {
			var sent bool
			_ = e.store.View(ctx, func(tx privet.Tx) (err error) {
				sent, err = tx.PolicyNoticeSent(ctx, e.tenant, "2026-05", id)
				return err
			})
			if !sent {
				t.Errorf("no notice recorded for %s", id)
			}
		}

		// The site announces it until it takes effect (P16).
		a, err := e.pol.Announce(ctx, e.tenant)
		if err != nil || a.InForce.Version != "2021-02-05" || len(a.Upcoming) != 1 || len(a.Upcoming[0].Changes) != 1 {
			t.Errorf("Announce = %+v, %v; want the coming material change", a, err)
		}

		// Until it takes effect, the consent given stands.
		if n, err := e.pol.Activate(ctx); err != nil || n != 0 {
			t.Errorf("Activate before the effective date = %d, %v; want 0", n, err)
		}
		if !e.allowed(t, gave, email) {
			t.Fatal("before the change, the consent given must allow marketing email")
		}
		e.clock.Set(time.Date(2026, 4, 9, 0, 5, 0, 0, time.UTC))
		if n, err := e.pol.Activate(ctx); err != nil || n != 1 {
			t.Fatalf("Activate = %d, %v; want the version activated", n, err)
		}
		if e.allowed(t, gave, email) {
			t.Error("after the widening takes effect, the old consent must need renewal")
		}
		if n, err := e.pol.Activate(ctx); err != nil || n != 0 {
			t.Errorf("second Activate = %d, %v; want nothing left", n, err)
		}
		if a, err := e.pol.Announce(ctx, e.tenant); err != nil || a.InForce.Version != "2026-05" || len(a.Upcoming) != 0 {
			t.Errorf("Announce once in force = %+v, %v", a, err)
		}
		// Given again under the new version, it holds.
		if _, err := e.consent.Record(ctx, admin, e.tenant, consent.RecordInput{Party: consent.Party{SubjectID: gave}, Purpose: email, State: privet.StateGiven, Source: privet.SourceAPI}); err != nil {
			t.Fatal(err)
		}
		if !e.allowed(t, gave, email) {
			t.Error("a consent given under the new version must allow")
		}
	})
}

func TestRightsReductionAsksConsentAgain(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		sub := e.subject(t, mail("ada@example.com"))
		const sales = "marketing.advertising.third_party.targeted"
		for _, purpose := range []string{email, sales} {
			if _, err := e.consent.Record(ctx, admin, e.tenant, consent.RecordInput{Party: consent.Party{SubjectID: sub}, Purpose: purpose, State: privet.StateGiven, Source: privet.SourceAPI}); err != nil {
				t.Fatal(err)
			}
		}
		p := e.publish(t, variant(t, "2026-06", "2026-05-01", dropErasure...), true)
		if !p.Version.RightsReduced || !p.Version.Material {
			t.Fatalf("Publish = %+v, want rights reduced and material", p.Version)
		}
		e.clock.Set(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
		if _, err := e.pol.Activate(ctx); err != nil {
			t.Fatal(err)
		}
		for _, purpose := range []string{email, sales} {
			if e.allowed(t, sub, purpose) {
				t.Errorf("%s: after a right is taken away, every consent must be asked again", purpose)
			}
		}
	})
}

func TestDiff(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.publish(t, variant(t, "a", "2026-03-01"), false)
		e.publish(t, variant(t, "b", "2026-05-01", widenEmail...), false)
		changes, err := e.pol.Diff(ctx, e.tenant, "a", "b")
		if err != nil || len(changes) != 1 || changes[0].Kind != policy.ChangeCategoriesWidened || !changes[0].Material {
			t.Errorf("Diff = %+v, %v; want the widened categories, material", changes, err)
		}
		if _, err := e.pol.Diff(ctx, e.tenant, "a", "zz"); privet.ErrorCode(err) != privet.ENOTFOUND || privet.ErrorField(err) != "to" {
			t.Errorf("Diff to a missing version = %v, want not found naming to", err)
		}
	})
}

// TestOtherServerSeesPublication runs two servers on one database: a
// version one publishes is served by the other once its cache is a
// refresh interval old.
func TestOtherServerSeesPublication(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		other := &policies.Service{Store: e.store, Fallback: e.fallback, Clock: e.clock}
		if c, err := other.Policy(context.Background(), e.tenant); err != nil || c.Policy.Version != "2021-02-05" {
			t.Fatalf("other server's Policy = %v, %v", c, err)
		}
		e.publish(t, variant(t, "2026-03", "2026-03-01"), false)
		if got := e.inForce(t); got != "2026-03" {
			t.Errorf("publishing server serves %s, want 2026-03 at once", got)
		}
		e.clock.Advance(policies.DefaultRefresh)
		if c, err := other.Policy(context.Background(), e.tenant); err != nil || c.Policy.Version != "2026-03" {
			t.Errorf("other server's Policy a second later = %v, %v; want 2026-03", c.Policy.Version, err)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
