package privet

import (
	"context"
	"time"
)

// Tenant is one controller's workspace. Every object belongs to exactly one
// tenant, and no query crosses tenants. A processor runs one tenant per client.
type Tenant struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// SigningKey is the tenant's Ed25519 private key, wrapped by the master
	// key; it signs audit checkpoints and consent receipts.
	SigningKey []byte `json:"-"`
	// SigningPublicKey is the raw Ed25519 public key.
	SigningPublicKey []byte `json:"-"`
}

// TenantStore keeps tenants.
type TenantStore interface {
	// CreateTenant inserts t. ECONFLICT if the id exists.
	CreateTenant(ctx context.Context, t *Tenant) error
	// Tenant returns the tenant with the id. ENOTFOUND if none.
	Tenant(ctx context.Context, id string) (*Tenant, error)
	// Tenants lists all tenants, oldest first.
	Tenants(ctx context.Context) ([]*Tenant, error)
}
