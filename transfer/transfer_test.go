package transfer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/crypto/cryptotest"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/transfer"
	"github.com/privet-dev/privet/vault"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type env struct {
	clock    *privet.ManualClock
	store    privet.Store
	tenantID string
	vault    *vault.Service
	consent  *consent.Service
	transfer *transfer.Service
	pol      *policy.Compiled
	tenancy  *tenancy.Service
	n        int
}

func loadPolicy(t testing.TB, src string) *policy.Compiled {
	t.Helper()
	var b []byte
	var err error
	if filepath.Ext(src) == ".yaml" && filepath.Dir(src) == "testdata" {
		b, err = os.ReadFile(src)
	} else {
		b, err = examples.FS.ReadFile(src + "/policy.yaml")
	}
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.Parse(src, b)
	if err != nil {
		t.Fatal(err)
	}
	return pol
}

func newEnv(t *testing.T, engine, src string) *env { return newEnvTB(t, engine, src) }

func newEnvTB(t testing.TB, engine, src string) *env {
	t.Helper()
	store, keys := storetest.Open(t, engine)
	master := cryptotest.Master(t)
	clock := privet.NewManualClock(start)
	pol := loadPolicy(t, src)
	policies := vault.StaticPolicy{Compiled: pol}
	ten := &tenancy.Service{Store: store, Master: master, Clock: clock}
	tn, err := ten.CreateTenant(context.Background(), "Acme")
	if err != nil {
		t.Fatal(err)
	}
	cs := &consent.Service{Store: store, Master: master, Policies: policies, Clock: clock}
	t.Cleanup(func() { _ = cs.Close() })
	return &env{
		clock: clock, store: store, tenantID: tn.ID, pol: pol, tenancy: ten,
		vault:    &vault.Service{Store: store, Keys: keys, Master: master, Policies: policies, Clock: clock},
		consent:  cs,
		transfer: &transfer.Service{Store: store, Policies: policies, Consent: cs, Clock: clock},
	}
}

func (e *env) subject(t testing.TB, place string) string {
	t.Helper()
	e.n++
	id := vault.IdentityInput{Type: privet.IdentityEmail, Value: fmt.Sprintf("user%d@example.com", e.n)}
	if !e.pol.Collects("user.contact.email") {
		id = vault.IdentityInput{Type: privet.IdentityPhone, Value: fmt.Sprintf("+86138001%05d", e.n)}
	}
	v, err := e.vault.Create(context.Background(), tenancy.Operator(), e.tenantID, vault.CreateInput{
		Jurisdiction: place, Identities: []vault.IdentityInput{id},
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

func (e *env) record(t testing.TB, subjectID, purpose string, state privet.ConsentState) {
	t.Helper()
	if _, err := e.consent.Record(context.Background(), tenancy.Operator(), e.tenantID, consent.RecordInput{
		Party: consent.Party{SubjectID: subjectID}, Purpose: purpose, State: state, Source: privet.SourceAPI,
	}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) check(t *testing.T, in transfer.CheckInput) transfer.CheckResult {
	t.Helper()
	d, err := e.transfer.Check(context.Background(), tenancy.Operator(), e.tenantID, in)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	return d
}

// TestCrossBorderConsent is D11: a Chinese subject's data goes to a recipient
// in the United States only while the subject's separate consent stands.
func TestCrossBorderConsent(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine, "testdata/cn-abroad.yaml")
			sub := e.subject(t, "CN")
			in := transfer.CheckInput{SubjectID: sub, Recipient: "overseas_support", Purpose: "essential.service.payment_processing",
				Categories: []string{"user.name"}}
			step := func(want bool, reason, consentReason string) {
				t.Helper()
				d := e.check(t, in)
				if d.Allowed != want || d.Reason != reason || d.ConsentReason != consentReason || !d.CrossBorder {
					t.Fatalf("decision %+v, want allowed=%v reason=%s consent_reason=%s cross_border", d, want, reason, consentReason)
				}
				if d.ConsentPurpose != "essential.service.sharing" {
					t.Errorf("consent purpose %q", d.ConsentPurpose)
				}
			}
			step(false, transfer.ReasonNoTransferConsent, consent.ReasonNoConsent)
			e.clock.Advance(time.Hour)
			e.record(t, sub, "essential.service.sharing", privet.StateGiven)
			step(true, transfer.ReasonAllowed, consent.ReasonConsentGiven)
			e.clock.Advance(time.Hour)
			e.record(t, sub, "essential.service.sharing", privet.StateWithdrawn)
			step(false, transfer.ReasonNoTransferConsent, consent.ReasonWithdrawn)

			// A recipient inside China needs no transfer consent.
			d := e.check(t, transfer.CheckInput{SubjectID: sub, Recipient: "payment_institutions",
				Purpose: "essential.service.payment_processing", Categories: []string{"user.financial"}})
			if !d.Allowed || d.CrossBorder {
				t.Errorf("domestic recipient: %+v", d)
			}

			// Exactly the allowed checks are disclosures.
			ds, err := e.transfer.Disclosures(context.Background(), e.tenantID, sub, time.Time{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.Recipient+"@"+d.Time.Sub(start).String())
			}
			want := []string{"overseas_support@1h0m0s", "payment_institutions@2h0m0s"}
			if !slices.Equal(got, want) {
				t.Errorf("disclosures %v, want %v", got, want)
			}
		})
	}
}

// TestRules covers each rule of the check on the CIPO Cloud policy, whose
// data is stored in the United States and which serves the EU.
func TestRules(t *testing.T) {
	e := newEnv(t, "sqlite", "cipo-cloud")
	eu := e.subject(t, "DE")
	us := e.subject(t, "US")
	tests := []struct {
		name   string
		in     transfer.CheckInput
		allow  bool
		reason string
		field  string
	}{
		{"declared processor at home", transfer.CheckInput{SubjectID: eu, Recipient: "infrastructure", Purpose: "essential.service",
			Categories: []string{"user.contact.email", "user.name"}}, true, transfer.ReasonAllowed, ""},
		{"purpose under a declared one", transfer.CheckInput{SubjectID: eu, Recipient: "infrastructure", Purpose: "essential.service.collaboration",
			Categories: []string{"user.device"}}, true, transfer.ReasonAllowed, ""},
		{"undeclared recipient", transfer.CheckInput{SubjectID: eu, Recipient: "data_broker", Purpose: "essential.service",
			Categories: []string{"user.name"}}, false, transfer.ReasonUndeclaredRecipient, "recipient"},
		{"purpose not declared for it", transfer.CheckInput{SubjectID: eu, Recipient: "infrastructure", Purpose: "marketing.communications.email",
			Categories: []string{"user.name"}}, false, transfer.ReasonPurposeNotDeclared, "purpose"},
		{"category not declared for it", transfer.CheckInput{SubjectID: eu, Recipient: "payment_processor", Purpose: "essential.service.payment_processing",
			Categories: []string{"user.name", "user.contact.email"}}, false, transfer.ReasonCategoryNotDeclared, "categories[1]"},
		{"identified data to a de-identified recipient", transfer.CheckInput{SubjectID: us, Recipient: "aggregate_recipients", Purpose: "third_party_sharing",
			Categories: []string{"user.location.coarse"}}, false, transfer.ReasonIdentifiedData, "de_identified"},
		{"de-identified data to it", transfer.CheckInput{SubjectID: us, Recipient: "aggregate_recipients", Purpose: "third_party_sharing",
			Categories: []string{"user.location.coarse"}, DeIdentified: true}, true, transfer.ReasonAllowed, ""},
		{"EU subject, derogation abroad", transfer.CheckInput{SubjectID: eu, Recipient: "enterprise_customer", Purpose: "essential.service",
			Categories: []string{"user.account"}}, false, transfer.ReasonMechanismNotAccepted, ""},
		{"EU subject, consent abroad is a derogation too", transfer.CheckInput{SubjectID: eu, Recipient: "resellers", Purpose: "sales",
			Categories: []string{"user.name"}}, false, transfer.ReasonMechanismNotAccepted, ""},
		{"US subject, derogation abroad", transfer.CheckInput{SubjectID: us, Recipient: "enterprise_customer", Purpose: "essential.service",
			Categories: []string{"user.account"}}, true, transfer.ReasonAllowed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := e.check(t, tt.in)
			if d.Allowed != tt.allow || d.Reason != tt.reason || d.Field != tt.field {
				t.Errorf("got allowed=%v reason=%s field=%q, want %v %s %q", d.Allowed, d.Reason, d.Field, tt.allow, tt.reason, tt.field)
			}
		})
	}
}

func TestMechanismPerOrigin(t *testing.T) {
	e := newEnv(t, "sqlite", "cipo-cloud")
	us := e.subject(t, "US")
	// Resellers abroad rely on consent: even outside the EU, only a given
	// consent lets the data go.
	in := transfer.CheckInput{SubjectID: us, Recipient: "resellers", Purpose: "sales", Categories: []string{"user.name"}}
	if d := e.check(t, in); d.Allowed || d.Reason != transfer.ReasonNoTransferConsent {
		t.Fatalf("before consent: %+v", d)
	}
	// Sales is a notice purpose for this person, yet the consent they give
	// to it is the separate consent the transfer needs.
	e.record(t, us, "sales", privet.StateGiven)
	if d := e.check(t, in); !d.Allowed {
		t.Fatalf("after consent: %+v", d)
	}
	e.record(t, us, "sales", privet.StateWithdrawn)
	if d := e.check(t, in); d.Allowed {
		t.Fatalf("after withdrawal: %+v", d)
	}
}

// A person under the GDPR keeps its protection when the data leaves the EU,
// wherever the service stores it: PypeServer stores in the US, and its US
// hosting still needs (and has) standard contractual clauses for a German
// user, while a Texan's data goes there as no transfer at all.
func TestGDPRTransfersFollowThePerson(t *testing.T) {
	e := newEnv(t, "sqlite", "pypeserver")
	in := transfer.CheckInput{Recipient: "aws", Purpose: "essential.service", Categories: []string{"user.name"}}
	in.SubjectID = e.subject(t, "DE")
	if d := e.check(t, in); !d.Allowed || !d.CrossBorder {
		t.Fatalf("German user to US hosting: %+v", d)
	}
	in.SubjectID = e.subject(t, "US-TX")
	if d := e.check(t, in); !d.Allowed || d.CrossBorder {
		t.Fatalf("Texan user to US hosting: %+v", d)
	}
}

func TestCheckErrors(t *testing.T) {
	e := newEnv(t, "sqlite", "cipo-cloud")
	sub := e.subject(t, "DE")
	ok := transfer.CheckInput{SubjectID: sub, Recipient: "infrastructure", Purpose: "essential.service", Categories: []string{"user.name"}}
	tests := []struct {
		name  string
		edit  func(*transfer.CheckInput)
		code  string
		field string
	}{
		{"no subject", func(in *transfer.CheckInput) { in.SubjectID = "" }, privet.EINVALID, "subject_id"},
		{"no recipient", func(in *transfer.CheckInput) { in.Recipient = "" }, privet.EINVALID, "recipient"},
		{"no purpose", func(in *transfer.CheckInput) { in.Purpose = "" }, privet.EINVALID, "purpose"},
		{"no categories", func(in *transfer.CheckInput) { in.Categories = nil }, privet.EINVALID, "categories"},
		{"empty category", func(in *transfer.CheckInput) { in.Categories = []string{"user.name", ""} }, privet.EINVALID, "categories[1]"},
		{"unknown subject", func(in *transfer.CheckInput) { in.SubjectID = "sub_unknown" }, privet.ENOTFOUND, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.edit(&in)
			_, err := e.transfer.Check(context.Background(), tenancy.Operator(), e.tenantID, in)
			if privet.ErrorCode(err) != tt.code || privet.ErrorField(err) != tt.field {
				t.Errorf("err %v, want %s %q", err, tt.code, tt.field)
			}
		})
	}
	// Another tenant's subject is not found.
	other, err := e.tenancy.CreateTenant(context.Background(), "Other")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.transfer.Check(context.Background(), tenancy.Operator(), other.ID, ok); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Errorf("other tenant: %v", err)
	}
}

// TestAuditHoldsNoCallerText: a denied check with made-up keys leaves none
// of them in the log, where anything typed could be personal data.
func TestAuditHoldsNoCallerText(t *testing.T) {
	e := newEnv(t, "sqlite", "cipo-cloud")
	sub := e.subject(t, "DE")
	secret := "jane@example.com"
	d := e.check(t, transfer.CheckInput{SubjectID: sub, Recipient: secret, Purpose: secret, Categories: []string{secret}})
	if d.Allowed {
		t.Fatal("allowed")
	}
	var evs []*privet.AuditEvent
	if err := e.store.View(context.Background(), func(tx privet.Tx) error {
		var err error
		evs, err = tx.AuditEvents(context.Background(), e.tenantID, privet.AuditQuery{Action: transfer.ActionDisclose})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	ev := evs[0]
	if ev.Result != privet.ResultDenied || ev.Purpose != "" || len(ev.Categories) != 0 || ev.Reason != "recipient:;"+transfer.ReasonUndeclaredRecipient {
		t.Errorf("event %+v", ev)
	}
}

// TestReports: the right to know covers the last twelve months; Shine the
// Light covers direct-marketing recipients in the prior calendar year.
func TestReports(t *testing.T) {
	e := newEnv(t, "sqlite", "testdata/dm.yaml")
	sub := e.subject(t, "US-CA")
	disclose := func(recipient, purpose, category string) {
		t.Helper()
		if d := e.check(t, transfer.CheckInput{SubjectID: sub, Recipient: recipient, Purpose: purpose, Categories: []string{category}}); !d.Allowed {
			t.Fatalf("%s: %+v", recipient, d)
		}
	}
	e.clock.Set(time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC))
	disclose("partner", "marketing.advertising", "user.contact.email") // 2025: prior year once in 2026
	e.clock.Set(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	disclose("hosting", "essential.service", "user.name")
	e.clock.Set(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	disclose("partner", "marketing.advertising", "user.contact.email") // this year: not in Shine the Light

	r, err := e.transfer.Report(context.Background(), e.tenantID, sub, transfer.ReportLast12Months)
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(r.Recipients); !slices.Equal(got, []string{"hosting", "partner"}) {
		t.Errorf("last 12 months: %v", got)
	}
	if r.Recipients[1].Last != time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("partner last disclosed %v", r.Recipients[1].Last)
	}
	r, err = e.transfer.Report(context.Background(), e.tenantID, sub, transfer.ReportShineTheLight)
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(r.Recipients); !slices.Equal(got, []string{"partner"}) || r.Since.Year() != 2025 {
		t.Errorf("shine the light: %v since %v", got, r.Since)
	}
	e.clock.Set(time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC))
	r, err = e.transfer.Report(context.Background(), e.tenantID, sub, transfer.ReportLast12Months)
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(r.Recipients); !slices.Equal(got, []string{"partner"}) {
		t.Errorf("a year on: %v", got)
	}
	if _, err := e.transfer.Report(context.Background(), e.tenantID, sub, "weekly"); privet.ErrorField(err) != "kind" {
		t.Errorf("unknown kind: %v", err)
	}
}

func keys(rs []transfer.RecipientSummary) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Recipient)
	}
	return out
}

// TestPurposeChoicesBindRecipients: an opt-out of the purpose stops the
// sharing that serves it (D9: sharing only with consent).
func TestPurposeChoicesBindRecipients(t *testing.T) {
	e := newEnv(t, "sqlite", "testdata/dm.yaml")
	sub := e.subject(t, "US-CA")
	in := transfer.CheckInput{SubjectID: sub, Recipient: "partner", Purpose: "marketing.advertising", Categories: []string{"user.contact.email"}}
	if d := e.check(t, in); !d.Allowed {
		t.Fatalf("before the opt-out: %+v", d)
	}
	e.record(t, sub, "marketing.advertising", privet.StateWithdrawn)
	d := e.check(t, in)
	if d.Allowed || d.Reason != transfer.ReasonPurposeDenied || d.ConsentReason != consent.ReasonOptedOut || d.ConsentPurpose != in.Purpose {
		t.Errorf("after the opt-out: %+v", d)
	}
}
