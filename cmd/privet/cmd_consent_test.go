package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/config"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/vault"
)

// TestVerifyReceipt signs a receipt in one process and checks it from the
// command line, as a subject's receipt would be checked later.
func TestVerifyReceipt(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	tenantOf := func(args ...string) string {
		code, out, errOut := run(t, append(args, "--data-dir", data)...)
		if code != 0 {
			t.Fatalf("%v: %d %s", args, code, errOut)
		}
		return regexp.MustCompile(`tenant (ten_\w+)`).FindStringSubmatch(out)[1]
	}
	tenant := tenantOf("init", "--tenant-name", "Acme")
	other := tenantOf("tenants", "create", "--name", "Other")

	signed := signReceipt(t, data, tenant)
	wrapped, _ := json.Marshal(signed)
	parts := strings.Split(signed.JWS, ".")
	files := map[string]string{
		"api.json":     string(wrapped),
		"compact.jws":  signed.JWS + "\n",
		"tampered.jws": parts[0] + "." + strings.TrimRight(parts[1], "A") + "B." + parts[2],
		"junk.json":    `{"receipt":{}}`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		file, tenant string
		code         int
		want         string
	}{
		{"api.json", tenant, 0, `"consentReceiptID": "` + signed.Receipt.ConsentReceiptID + `"`},
		{"compact.jws", tenant, 0, "verified"},
		{"tampered.jws", tenant, 1, "does not verify"},
		{"api.json", other, 1, "does not verify"},
		{"junk.json", tenant, 1, "jws"},
		{"missing.jws", tenant, 1, "cannot read"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			code, out, errOut := run(t, "consent", "verify-receipt", filepath.Join(dir, tt.file), "--data-dir", data, "--tenant", tt.tenant)
			if code != tt.code || !strings.Contains(out+errOut, tt.want) {
				t.Fatalf("exit %d, want %d with %q: %s %s", code, tt.code, tt.want, out, errOut)
			}
		})
	}
	if code, _, _ := run(t, "consent", "verify-receipt", "--data-dir", data); code != exitUsage {
		t.Errorf("without FILE and --tenant: exit %d, want %d", code, exitUsage)
	}
}

func openTestMain(t *testing.T, dataDir string) *Main {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = dataDir
	m := NewMain(cfg, nil)
	if err := m.Open(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// signReceipt records a consent for a new subject and returns its receipt.
func signReceipt(t *testing.T, dataDir, tenant string) *consent.SignedReceipt {
	t.Helper()
	ctx := context.Background()
	m := openTestMain(t, dataDir)
	pol, err := loadPolicy("", true)
	if err != nil {
		t.Fatal(err)
	}
	m.Vault.Policies = vault.StaticPolicy{Compiled: pol}
	m.Consent.Policies = m.Vault.Policies
	admin := privet.Actor{Type: privet.ActorAdmin, ID: "test"}
	sub, err := m.Vault.Create(ctx, admin, tenant, vault.CreateInput{Jurisdiction: "DE",
		Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "receipt@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := m.Consent.Record(ctx, admin, tenant, consent.RecordInput{Party: consent.Party{SubjectID: sub.ID},
		Purpose: "marketing.communications.email", State: privet.StateGiven, Source: privet.SourceAPI})
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Consent.Receipt(ctx, tenant, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
