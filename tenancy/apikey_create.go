package tenancy

import (
	"context"
	"fmt"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
)

// CreateAPIKey issues a key for the tenant and returns it with its secret.
// The secret is returned only here: the store keeps its SHA-256 alone, so it
// can never be shown again. EINVALID for a bad name or scopes; ENOTFOUND if
// the tenant does not exist.
func (s *Service) CreateAPIKey(ctx context.Context, actor privet.Actor, tenantID, name string, scopes []privet.Scope) (*privet.APIKey, string, error) {
	if err := validateName("name", name); err != nil {
		return nil, "", err
	}
	scopes, err := validateScopes(scopes)
	if err != nil {
		return nil, "", err
	}
	secret, hash := crypto.NewAPIKey()
	k := &privet.APIKey{
		ID:        privet.NewID(privet.PrefixAPIKey),
		TenantID:  tenantID,
		Name:      name,
		Hash:      hash,
		Scopes:    scopes,
		CreatedAt: s.clock().Now(),
	}
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		// The tenant is looked up first so a key never dangles from a
		// tenant that does not exist, whatever the store's constraints.
		if _, err := tx.Tenant(ctx, tenantID); err != nil {
			return err
		}
		if err := tx.CreateAPIKey(ctx, k); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, s.audit(tenantID, actor, "key.create", k.ID))
	})
	if err != nil {
		return nil, "", fmt.Errorf("tenancy: create key: %w", err)
	}
	return k, secret, nil
}
