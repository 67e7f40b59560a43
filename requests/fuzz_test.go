package requests_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/vault"
)

// FuzzVerify feeds the public verification and status routes any token and
// code: they never panic, answer only with the expected codes, and never
// change the request unless given its own token.
func FuzzVerify(f *testing.F) {
	e := newEnv(f, "pypeserver")
	ctx := context.Background()
	r, token, code := e.public(f, requests.PublicInput{Type: "access", Jurisdiction: "DE",
		Identity: vault.IdentityInput{Type: privet.IdentityEmail, Value: "ada@example.com"}})
	f.Add(token[:len(token)-1]+"A", code)
	f.Add("", "")
	f.Add(token+"x", "123456")
	f.Add("\x00", "١٢٣٤٥٦")
	f.Fuzz(func(t *testing.T, tok, c string) {
		if tok == token {
			return
		}
		before := e.get(t, r.ID)
		_, err := e.svc.Verify(ctx, tok, c)
		if code := privet.ErrorCode(err); !slices.Contains([]string{privet.EINVALID, privet.ENOTFOUND}, code) {
			t.Fatalf("Verify(%q, %q): %v", tok, c, err)
		}
		if _, err := e.svc.Status(ctx, tok); privet.ErrorCode(err) != privet.ENOTFOUND {
			t.Fatalf("Status(%q): %v", tok, err)
		}
		if after := e.get(t, r.ID); !after.UpdatedAt.Equal(before.UpdatedAt) || after.Verification.Attempts != before.Verification.Attempts {
			t.Fatal("a wrong token changed the request")
		}
	})
}

// FuzzFilePublic feeds the public intake any identity, type and place: a
// clear field error or a request, never a panic, and no error quoting the
// identity.
func FuzzFilePublic(f *testing.F) {
	e := newEnv(f, "pypeserver")
	ctx := context.Background()
	f.Add("email", "ada@example.com", "access", "DE")
	f.Add("phone", "+1 415 555 0100", "opt_out_sale", "US-CA")
	f.Add("cookie_id", "abc", "teleport", "XX-")
	f.Add("email", "a@b", "know", "us-ca")
	f.Fuzz(func(t *testing.T, typ, value, reqType, place string) {
		_, err := e.svc.FilePublic(ctx, e.tenant, requests.PublicInput{Type: reqType, Jurisdiction: place,
			Identity: vault.IdentityInput{Type: privet.IdentityType(typ), Value: value}})
		if err == nil {
			return
		}
		if code := privet.ErrorCode(err); code != privet.EINVALID && code != privet.ETOOLARGE {
			t.Fatalf("FilePublic: %v", err)
		}
		if privet.ErrorField(err) == "" {
			t.Fatalf("no field named: %v", err)
		}
		if strings.HasPrefix(privet.ErrorField(err), "identity") && len(value) > 6 && strings.Contains(privet.ErrorMessage(err), value) {
			t.Fatal("the error quotes the identity")
		}
	})
}

// FuzzFileExtras feeds the app's intake any erasure categories and any
// receiving controller: a field error naming categories, client or send_to,
// or a request, never a panic; and no error quotes the controller's address.
func FuzzFileExtras(f *testing.F) {
	e := newEnv(f, "cipo-cloud")
	ctx := context.Background()
	sub := e.subject(f, "DE", "ada@example.com")
	f.Add("erasure", "user.content.public", "", "")
	f.Add("erasure", "user.contact", "", "")
	f.Add("erasure", "user.content.private", "", "")
	f.Add("portability", "", "Docs Ltd", "dpo@docs.example")
	f.Add("portability", "", "Docs\r\nBcc: x", "javascript:alert(1)")
	f.Add("access", "user", "", "http://169.254.169.254/")
	f.Fuzz(func(t *testing.T, typ, category, name, email string) {
		in := requests.FileInput{SubjectID: sub, Type: typ}
		if category != "" {
			in.Categories = []string{category}
		}
		if name != "" || email != "" {
			in.SendTo = &requests.Controller{Name: name, Email: email}
		}
		f, err := e.svc.File(ctx, e.actor, e.tenant, in)
		if err == nil {
			if _, err := e.svc.Deny(ctx, e.actor, e.tenant, f.Request.ID, "fuzz"); err != nil && privet.ErrorCode(err) != privet.ECONFLICT {
				t.Fatalf("Deny: %v", err)
			}
			return
		}
		if code := privet.ErrorCode(err); code != privet.EINVALID && code != privet.ETOOLARGE {
			t.Fatalf("File: %v", err)
		}
		field := privet.ErrorField(err)
		if field == "" {
			t.Fatalf("no field named: %v", err)
		}
		if len(email) > 6 && strings.Contains(privet.ErrorMessage(err), email) {
			t.Fatalf("the error quotes the address: %v", err)
		}
	})
}
