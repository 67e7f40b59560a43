package tenancy

import (
	"context"
	"fmt"

	"github.com/privet-dev/privet"
)

// CreateTenant creates a tenant with a new Ed25519 signing key, wrapped by
// the master key, and audits the creation as the operator. EINVALID if the
// name is not valid.
func (s *Service) CreateTenant(ctx context.Context, name string) (*privet.Tenant, error) {
	if err := validateName("name", name); err != nil {
		return nil, err
	}
	t := &privet.Tenant{
		ID:        privet.NewID(privet.PrefixTenant),
		Name:      name,
		CreatedAt: s.clock().Now(),
	}
	var err error
	t.SigningKey, t.SigningPublicKey, err = s.Master.NewSigningKey(t.ID)
	if err != nil {
		return nil, fmt.Errorf("tenancy: make signing key: %w", err)
	}
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		if err := tx.CreateTenant(ctx, t); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, s.audit(t.ID, Operator(), "tenant.create", ""))
	})
	if err != nil {
		return nil, fmt.Errorf("tenancy: create tenant: %w", err)
	}
	return t, nil
}

// Tenant returns the tenant with the id. ENOTFOUND if none.
func (s *Service) Tenant(ctx context.Context, id string) (*privet.Tenant, error) {
	var t *privet.Tenant
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		var err error
		t, err = tx.Tenant(ctx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tenancy: tenant: %w", err)
	}
	return t, nil
}

// Tenants lists every tenant, oldest first.
func (s *Service) Tenants(ctx context.Context) ([]*privet.Tenant, error) {
	var ts []*privet.Tenant
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		var err error
		ts, err = tx.Tenants(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tenancy: tenants: %w", err)
	}
	return ts, nil
}
