package vault_test

import (
	"context"
	"slices"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/vault"
)

// TestForAccessRequestReadsEverything: the person's own request reads every
// category, even of a restricted subject and even categories no purpose of
// the policy may read, and the audit event names the request.
func TestForAccessRequestReadsEverything(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	created, err := e.vault.Create(ctx, e.actor, e.tenant.ID, ada())
	if err != nil {
		t.Fatal(err)
	}
	// The contrast: a purpose's read withholds what it may not see.
	partial, err := e.vault.Get(ctx, e.actor, e.tenant.ID, created.ID, vault.ReadOptions{Purpose: "essential.service"})
	if err != nil {
		t.Fatal(err)
	}
	if len(partial.Withheld) == 0 {
		t.Fatal("the test policy lets essential.service read everything: the test proves nothing")
	}
	if err := e.vault.Restrict(ctx, e.actor, e.tenant.ID, created.ID); err != nil {
		t.Fatal(err)
	}
	sys := privet.Actor{Type: privet.ActorSystem, ID: "export"}
	v, err := e.vault.ForAccessRequest(ctx, sys, e.tenant.ID, created.ID, "req_1")
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Withheld) != 0 || len(v.Fields) != 2 || len(v.Identities) != 2 || v.BirthDate != "1990-12-10" || v.Status != privet.StatusRestricted {
		t.Fatalf("access read = %+v, want every field, identity and the birth date", v)
	}
	if !slices.ContainsFunc(v.Fields, func(f vault.FieldView) bool { return f.Name == "passport" && f.Value == "X1234567890123" }) {
		t.Errorf("the passport is missing: %+v", v.Fields)
	}
	evs, err := e.audit.Events(ctx, e.tenant.ID, privet.AuditQuery{SubjectID: created.ID, Action: "subject.read"})
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Purpose != vault.AccessRequestPurpose || last.Reason != "request:req_1" || last.Result != privet.ResultOK ||
		last.ActorType != privet.ActorSystem || !slices.Contains(last.Categories, "user.government_id") {
		t.Errorf("audit event = %+v", last)
	}

	_, err = e.vault.ForAccessRequest(ctx, sys, e.tenant.ID, created.ID, "")
	wantCode(t, err, privet.EINVALID)
	other := e.newTenant(t, "Other")
	_, err = e.vault.ForAccessRequest(ctx, sys, other.ID, created.ID, "req_1")
	wantCode(t, err, privet.ENOTFOUND)
	if err := e.vault.Erase(ctx, e.actor, e.tenant.ID, created.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.vault.ForAccessRequest(ctx, sys, e.tenant.ID, created.ID, "req_1")
	wantCode(t, err, privet.ENOTFOUND)
}

func TestNoticePurpose(t *testing.T) {
	pol, err := policy.Load("testdata/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := vault.NoticePurpose(pol, "")
	if err != nil || !slices.Contains(vault.NoticePurposes, got) || !pol.MayRead(got, vault.EmailCategory) {
		t.Fatalf("NoticePurpose = %q, %v", got, err)
	}
	if _, err := vault.NoticePurpose(pol, "marketing.advertising.not_declared"); privet.ErrorCode(err) != privet.EINVALID {
		t.Errorf("a chosen purpose that may not read email: %v", err)
	}
	v := &vault.SubjectView{Fields: []vault.FieldView{{Category: vault.EmailCategory, Value: "b@example.com"}}}
	if vault.EmailOf(v) != "b@example.com" {
		t.Error("EmailOf misses the email field")
	}
	v.Identities = []vault.IdentityView{{Type: privet.IdentityEmail, Value: "a@example.com"}}
	if vault.EmailOf(v) != "a@example.com" {
		t.Error("EmailOf prefers the field to the identity")
	}
	if vault.EmailOf(&vault.SubjectView{}) != "" {
		t.Error("EmailOf invents an address")
	}
}

// A service that knows people by mobile number alone gets a notice purpose
// that reads phone numbers; one that reads email keeps the first purpose
// that does (as before phone numbers counted); the phone number is given in
// E.164, from the identity first.
func TestNoticePurposeReadsPhoneNumbers(t *testing.T) {
	for example, want := range map[string]string{"codropshipping": "essential.legal_obligation", "kipsu": "essential.legal_obligation",
		"cipo-cloud": "essential.legal_obligation", "cooper": "essential.legal_obligation"} {
		src, err := examples.FS.ReadFile(example + "/policy.yaml")
		if err != nil {
			t.Fatal(err)
		}
		pol, err := policy.Parse(example, src)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := vault.NoticePurpose(pol, ""); err != nil || got != want {
			t.Errorf("%s: NoticePurpose = %q, %v; want %s", example, got, err, want)
		}
	}
	v := &vault.SubjectView{Fields: []vault.FieldView{{Category: vault.PhoneCategory, Value: "+44 20 7946 0958"}}}
	if c := vault.ContactOf(v); c.Phone != "+442079460958" || c.Email != "" {
		t.Errorf("ContactOf(phone field) = %+v", c)
	}
	v.Identities = []vault.IdentityView{{Type: privet.IdentityPhone, Value: "+1 612 555 0102"}, {Type: privet.IdentityEmail, Value: "a@example.com"}}
	if c := vault.ContactOf(v); c.Phone != "+16125550102" || c.Email != "a@example.com" {
		t.Errorf("ContactOf(identities) = %+v", c)
	}
	if c := vault.ContactOf(&vault.SubjectView{Fields: []vault.FieldView{{Category: vault.PhoneCategory, Value: "not a number"}}}); c.Phone != "" {
		t.Errorf("ContactOf invents a number from %q", c.Phone)
	}
}
