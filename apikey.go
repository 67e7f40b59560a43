package privet

import (
	"context"
	"slices"
	"time"
)

// Scope is a permission an API key carries.
type Scope string

// The scopes. Admin implies every other scope.
const (
	ScopeVaultRead     Scope = "vault:read"
	ScopeVaultWrite    Scope = "vault:write"
	ScopeConsentRead   Scope = "consent:read"
	ScopeConsentWrite  Scope = "consent:write"
	ScopeRequestsAdmin Scope = "requests:admin"
	ScopeAuditRead     Scope = "audit:read"
	ScopeIncidents     Scope = "incidents:admin"
	ScopeAdmin         Scope = "admin"
)

// Scopes lists every scope, in a stable order.
var Scopes = []Scope{ScopeVaultRead, ScopeVaultWrite, ScopeConsentRead, ScopeConsentWrite, ScopeRequestsAdmin, ScopeAuditRead, ScopeIncidents, ScopeAdmin}

// ParseScope validates a scope name.
func ParseScope(s string) (Scope, error) {
	if slices.Contains(Scopes, Scope(s)) {
		return Scope(s), nil
	}
	return "", FieldError("scopes", "unknown scope %q", s)
}

// APIKey is a credential bound to one tenant. The secret itself is never
// stored: only its SHA-256, so a leaked database yields no usable key.
type APIKey struct {
	ID         string     `json:"id"`
	TenantID   string     `json:"tenant_id"`
	Name       string     `json:"name"`
	Hash       []byte     `json:"-"`
	Scopes     []Scope    `json:"scopes"`
	CreatedAt  time.Time  `json:"created_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// Allows reports whether the key carries scope s (admin carries all).
func (k *APIKey) Allows(s Scope) bool {
	return slices.Contains(k.Scopes, ScopeAdmin) || slices.Contains(k.Scopes, s)
}

// APIKeyStore keeps API keys.
type APIKeyStore interface {
	// CreateAPIKey inserts k. ECONFLICT if the hash exists.
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// APIKeyByHash finds a key, revoked or not, by the SHA-256 of its secret. ENOTFOUND if none.
	APIKeyByHash(ctx context.Context, hash []byte) (*APIKey, error)
	// APIKeys lists a tenant's keys, oldest first.
	APIKeys(ctx context.Context, tenantID string) ([]*APIKey, error)
	// RevokeAPIKey marks a tenant's key revoked at t. ENOTFOUND if the key is not the tenant's.
	RevokeAPIKey(ctx context.Context, tenantID, id string, t time.Time) error
}
