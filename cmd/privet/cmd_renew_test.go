package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/config"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// TestConsentRenew widens the marketing email purpose in a new version of
// the policy and checks that a consent given before must be given again.
func TestConsentRenew(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "init", "--data-dir", dir, "--tenant-name", "Acme")
	if code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	tenant := regexp.MustCompile(`tenant (ten_\w+)`).FindStringSubmatch(out)[1]
	oldPath := filepath.Join("..", "..", "examples", "cipo-cloud", "policy.yaml")
	data, err := os.ReadFile(oldPath)
	if err != nil {
		t.Fatal(err)
	}
	const before = "categories: [user.contact.email, user.name, user.professional_information]"
	if !strings.Contains(string(data), before) {
		t.Fatal("the example's marketing email purpose changed; update this test")
	}
	widened := strings.Replace(string(data), before, "categories: [user.contact.email, user.name, user.professional_information, user.contact.phone_number]", 1)
	newPath := filepath.Join(dir, "policy-v2.yaml")
	if err := os.WriteFile(newPath, []byte(widened), 0o600); err != nil {
		t.Fatal(err)
	}

	// A subject in Germany consents to marketing email under the old version.
	old, err := policy.Load(oldPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.DataDir = dir
	ctx := context.Background()
	decide := func(pol *policy.Compiled, record bool) consent.Decision {
		t.Helper()
		m := NewMain(cfg, nil)
		defer m.Close()
		if err := m.Open(ctx, false); err != nil {
			t.Fatal(err)
		}
		m.Vault.Policies = vault.StaticPolicy{Compiled: pol}
		m.Consent.Policies = m.Vault.Policies
		subs, err := m.Vault.List(ctx, tenant, privet.SubjectFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var id string
		if len(subs) == 0 {
			v, err := m.Vault.Create(ctx, tenancy.Operator(), tenant, vault.CreateInput{Jurisdiction: "DE",
				Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "ada@example.com"}}})
			if err != nil {
				t.Fatal(err)
			}
			id = v.ID
		} else {
			id = subs[0].ID
		}
		if record {
			_, err := m.Consent.Record(ctx, tenancy.Operator(), tenant, consent.RecordInput{Party: consent.Party{SubjectID: id},
				Purpose: "marketing.communications.email", State: privet.StateGiven, Source: privet.SourceAPI})
			if err != nil {
				t.Fatal(err)
			}
		}
		d, err := m.Consent.Decide(ctx, tenant, consent.DecideInput{Party: consent.Party{SubjectID: id}, Purpose: "marketing.communications.email"})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if d := decide(old, true); !d.Allowed {
		t.Fatalf("before the change: %+v", d)
	}

	code, out, errOut = run(t, "consent", "renew", oldPath, newPath, "--tenant", tenant, "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "1 consents need renewal") || !strings.Contains(out, "marketing.communications.email") {
		t.Fatalf("renew: %d %q %s", code, out, errOut)
	}
	next, err := policy.Load(newPath)
	if err != nil {
		t.Fatal(err)
	}
	if d := decide(next, false); d.Allowed || d.Reason != consent.ReasonNeedsRenewal {
		t.Fatalf("after the change: %+v, want denied for renewal", d)
	}
	if d := decide(next, true); !d.Allowed {
		t.Fatalf("after consenting again: %+v", d)
	}
}
