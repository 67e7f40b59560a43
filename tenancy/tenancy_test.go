package tenancy_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/sqlite"
	"github.com/privet-dev/privet/tenancy"
)

func newService(t *testing.T) (*tenancy.Service, *privet.ManualClock) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "privet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	masterPath := filepath.Join(dir, "master.json")
	if err := crypto.CreateMasterFile(masterPath); err != nil {
		t.Fatal(err)
	}
	master, err := crypto.OpenMasterFile(masterPath)
	if err != nil {
		t.Fatal(err)
	}
	clock := privet.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	return &tenancy.Service{Store: store, Master: master, Clock: clock}, clock
}

func auditActions(t *testing.T, s *tenancy.Service, tenantID string) []string {
	t.Helper()
	var actions []string
	err := s.Store.View(context.Background(), func(tx privet.Tx) error {
		evs, err := tx.AuditEvents(context.Background(), tenantID, privet.AuditQuery{})
		for _, e := range evs {
			actions = append(actions, e.ActorType+":"+e.ActorID+":"+e.Action+":"+e.Reason)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return actions
}

func TestCreateTenant(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		input    string
		wantCode string
	}{
		{"plain", "Cipo Cloud", ""},
		{"unicode", "Café Ünïcode", ""},
		{"empty", "", privet.EINVALID},
		{"too long", strings.Repeat("a", 101), privet.EINVALID},
		{"longest", strings.Repeat("ä", 100), ""},
		{"control character", "evil\nname", privet.EINVALID},
		{"invalid utf-8", "bad\xff", privet.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ten, err := s.CreateTenant(ctx, tt.input)
			if got := privet.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.wantCode)
			}
			if err != nil {
				return
			}
			if !strings.HasPrefix(ten.ID, "ten_") || len(ten.SigningKey) == 0 || len(ten.SigningPublicKey) != 32 {
				t.Fatalf("tenant not complete: id %q, key %d bytes, public %d bytes", ten.ID, len(ten.SigningKey), len(ten.SigningPublicKey))
			}
			got, err := s.Tenant(ctx, ten.ID)
			if err != nil || got.Name != tt.input {
				t.Fatalf("Tenant() = %v, %v", got, err)
			}
			if a := auditActions(t, s, ten.ID); len(a) != 1 || a[0] != "admin:operator:tenant.create:" {
				t.Fatalf("audit = %v", a)
			}
		})
	}
}

func TestAPIKeyLifecycle(t *testing.T) {
	s, clock := newService(t)
	ctx := context.Background()
	a, err := s.CreateTenant(ctx, "A")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.CreateTenant(ctx, "B")
	if err != nil {
		t.Fatal(err)
	}
	k, secret, err := s.CreateAPIKey(ctx, tenancy.Operator(), a.ID, "backend", []privet.Scope{privet.ScopeVaultRead, privet.ScopeAdmin, privet.ScopeVaultRead})
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Scopes) != 2 || k.Scopes[0] != privet.ScopeVaultRead || k.Scopes[1] != privet.ScopeAdmin {
		t.Errorf("scopes not deduplicated in stable order: %v", k.Scopes)
	}
	got, err := s.Authenticate(ctx, secret)
	if err != nil || got.ID != k.ID || got.TenantID != a.ID {
		t.Fatalf("Authenticate(secret) = %v, %v", got, err)
	}

	// Another tenant cannot revoke it; the answer is "not found".
	if err := s.RevokeAPIKey(ctx, tenancy.Operator(), b.ID, k.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Fatalf("revoke by other tenant: %v, want not_found", err)
	}
	clock.Advance(time.Hour)
	actor := privet.Actor{Type: privet.ActorAPIKey, ID: k.ID}
	if err := s.RevokeAPIKey(ctx, actor, a.ID, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, secret); privet.ErrorCode(err) != privet.EUNAUTHORIZED {
		t.Fatalf("revoked key authenticates: %v", err)
	}
	keys, err := s.APIKeys(ctx, a.ID)
	if err != nil || len(keys) != 1 || keys[0].RevokedAt == nil || !keys[0].RevokedAt.Equal(clock.Now()) {
		t.Fatalf("APIKeys = %v, %v", keys, err)
	}
	want := []string{
		"admin:operator:tenant.create:",
		"admin:operator:key.create:" + k.ID,
		"api_key:" + k.ID + ":key.revoke:" + k.ID,
	}
	audit := auditActions(t, s, a.ID)
	if strings.Join(audit, "|") != strings.Join(want, "|") {
		t.Errorf("audit = %v, want %v", audit, want)
	}
	if strings.Contains(strings.Join(audit, ""), secret) {
		t.Error("the secret reached the audit log")
	}
}

func TestCreateAPIKeyValidation(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	ten, err := s.CreateTenant(ctx, "A")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		tenantID  string
		keyName   string
		scopes    []privet.Scope
		wantCode  string
		wantField string
	}{
		{"ok", ten.ID, "ci", []privet.Scope{privet.ScopeAuditRead}, "", ""},
		{"no scopes", ten.ID, "ci", nil, privet.EINVALID, "scopes"},
		{"unknown scope", ten.ID, "ci", []privet.Scope{"root"}, privet.EINVALID, "scopes"},
		{"empty name", ten.ID, "", []privet.Scope{privet.ScopeAdmin}, privet.EINVALID, "name"},
		{"control in name", ten.ID, "a\x00b", []privet.Scope{privet.ScopeAdmin}, privet.EINVALID, "name"},
		{"unknown tenant", "ten_missing", "ci", []privet.Scope{privet.ScopeAdmin}, privet.ENOTFOUND, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, secret, err := s.CreateAPIKey(ctx, tenancy.Operator(), tt.tenantID, tt.keyName, tt.scopes)
			if privet.ErrorCode(err) != tt.wantCode || privet.ErrorField(err) != tt.wantField {
				t.Fatalf("err = %v, want code %q field %q", err, tt.wantCode, tt.wantField)
			}
			if err == nil && secret == "" {
				t.Fatal("no secret returned")
			}
		})
	}
}

func TestAuthenticateRejects(t *testing.T) {
	s, _ := newService(t)
	for _, secret := range []string{"", "pk_unknown", strings.Repeat("x", 10000)} {
		if _, err := s.Authenticate(context.Background(), secret); privet.ErrorCode(err) != privet.EUNAUTHORIZED {
			t.Errorf("Authenticate(%.10q) = %v, want unauthorized", secret, err)
		}
	}
}

// A key revoked by another server (straight in the shared store) stops
// authenticating here once the cached answer expires; one revoked through
// this service stops at once.
func TestRevocationReachesTheKeyCache(t *testing.T) {
	svc, clock := newService(t)
	ctx := context.Background()
	ten, err := svc.CreateTenant(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, secret1, err := svc.CreateAPIKey(ctx, tenancy.Operator(), ten.ID, "one", []privet.Scope{privet.ScopeVaultRead})
	if err != nil {
		t.Fatal(err)
	}
	here, secret2, err := svc.CreateAPIKey(ctx, tenancy.Operator(), ten.ID, "two", []privet.Scope{privet.ScopeVaultRead})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{secret1, secret2} {
		if _, err := svc.Authenticate(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Store.Update(ctx, func(tx privet.Tx) error {
		return tx.RevokeAPIKey(ctx, ten.ID, elsewhere.ID, clock.Now())
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, secret1); err != nil {
		t.Fatalf("within the cache bound: %v", err)
	}
	clock.Advance(6 * time.Second)
	if _, err := svc.Authenticate(ctx, secret1); privet.ErrorCode(err) != privet.EUNAUTHORIZED {
		t.Fatalf("after the cache bound: %v, want unauthorized", err)
	}
	if err := svc.RevokeAPIKey(ctx, tenancy.Operator(), ten.ID, here.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, secret2); privet.ErrorCode(err) != privet.EUNAUTHORIZED {
		t.Fatalf("revoked here: %v, want unauthorized at once", err)
	}
}
