package vault_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/vault"
)

// requiredEnv is the test vault under a policy that requires an email of
// every subject and a name given as any user.name field.
func requiredEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	src, err := os.ReadFile("testdata/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(src), "  - key: user.contact.email\n    sources: [subject]\n",
		"  - key: user.contact.email\n    sources: [subject]\n    required: true\n", 1)
	pol, err := policy.Parse("policy.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if got := pol.MissingRequired(nil); len(got) != 1 || got[0] != "user.contact.email" {
		t.Fatalf("required categories = %v", got)
	}
	e.vault.Policies = vault.StaticPolicy{Compiled: pol}
	return e
}

func TestRequiredCategoryOnCreate(t *testing.T) {
	e := requiredEnv(t)
	ctx := context.Background()
	// Without an email the subject is refused, naming the category and
	// never the values, and nothing is stored.
	phoneOnly := vault.CreateInput{Jurisdiction: "DE",
		Identities: []vault.IdentityInput{{Type: privet.IdentityPhone, Value: "+4915112345678"}},
		Fields:     []vault.FieldInput{{Name: "name", Category: "user.name", Value: "Grace Hopper"}}}
	_, err := e.vault.Create(ctx, e.actor, e.tenant.ID, phoneOnly)
	wantCode(t, err, privet.EINVALID)
	if msg := err.Error(); !strings.Contains(msg, "user.contact.email") || strings.Contains(msg, "Grace") || strings.Contains(msg, "4915112345678") {
		t.Errorf("error = %q, want the category and no value", msg)
	}
	list, err := e.vault.List(ctx, e.tenant.ID, privet.SubjectFilter{})
	if err != nil || len(list) != 0 {
		t.Fatalf("a refused subject was stored: %v %v", list, err)
	}
	// An email identity provides the category; so does an email field.
	if _, err := e.vault.Create(ctx, e.actor, e.tenant.ID, ada()); err != nil {
		t.Fatalf("with an email identity: %v", err)
	}
	byField := phoneOnly
	byField.Identities = []vault.IdentityInput{{Type: privet.IdentityPhone, Value: "+4915112345679"}}
	byField.Fields = append(byField.Fields, vault.FieldInput{Name: "work_email", Category: "user.contact.email", Value: "g@example.com"})
	if _, err := e.vault.Create(ctx, e.actor, e.tenant.ID, byField); err != nil {
		t.Fatalf("with an email field: %v", err)
	}
}

func TestRequiredCategoryOnUpdate(t *testing.T) {
	e := requiredEnv(t)
	ctx := context.Background()
	created, err := e.vault.Create(ctx, e.actor, e.tenant.ID, ada())
	if err != nil {
		t.Fatal(err)
	}
	email := vault.IdentityInput{Type: privet.IdentityEmail, Value: "ada.lovelace@example.com"}
	// Taking away the only email is refused, and the update changes nothing.
	err = e.vault.Update(ctx, e.actor, e.tenant.ID, created.ID, vault.UpdateInput{
		SetFields:        []vault.FieldInput{{Name: "name", Category: "user.name", Value: "Changed"}},
		RemoveIdentities: []vault.IdentityInput{email}})
	wantCode(t, err, privet.EINVALID)
	if f := privet.ErrorField(err); f != "remove_identities" || !strings.Contains(err.Error(), "user.contact.email") {
		t.Errorf("error = %v (field %q), want remove_identities naming user.contact.email", err, f)
	}
	v, err := e.vault.Find(ctx, e.actor, e.tenant.ID, email, vault.ReadOptions{Purpose: "essential.service"})
	if err != nil || v.Fields[0].Value != "Ada Lovelace" {
		t.Fatalf("a refused update changed the subject: %+v %v", v, err)
	}
	// Replacing it is fine: the new email is added in the same update.
	err = e.vault.Update(ctx, e.actor, e.tenant.ID, created.ID, vault.UpdateInput{
		AddIdentities:    []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "ada@example.org"}},
		RemoveIdentities: []vault.IdentityInput{email}})
	if err != nil {
		t.Fatalf("swapping the email: %v", err)
	}
	// A field of the category does not outlive its removal either.
	err = e.vault.Update(ctx, e.actor, e.tenant.ID, created.ID, vault.UpdateInput{
		SetFields: []vault.FieldInput{{Name: "backup_email", Category: "user.contact.email", Value: "b@example.org"}}})
	if err != nil {
		t.Fatal(err)
	}
	err = e.vault.Update(ctx, e.actor, e.tenant.ID, created.ID, vault.UpdateInput{
		RemoveIdentities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "ada@example.org"}}})
	if err != nil {
		t.Fatalf("removing one of two emails: %v", err)
	}
	err = e.vault.Update(ctx, e.actor, e.tenant.ID, created.ID, vault.UpdateInput{RemoveFields: []string{"backup_email"}})
	wantCode(t, err, privet.EINVALID)
	if f := privet.ErrorField(err); f != "remove_fields" {
		t.Errorf("error field = %q, want remove_fields", f)
	}
	err = e.vault.Update(ctx, e.actor, e.tenant.ID, created.ID, vault.UpdateInput{
		SetFields: []vault.FieldInput{{Name: "backup_email", Category: "user.name", Value: "not an email"}}})
	wantCode(t, err, privet.EINVALID)
	// Erasure is the one way the required category goes.
	if err := e.vault.Erase(ctx, e.actor, e.tenant.ID, created.ID); err != nil {
		t.Fatalf("erase: %v", err)
	}
}
