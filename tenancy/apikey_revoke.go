package tenancy

import (
	"context"
	"fmt"

	"github.com/privet-dev/privet"
)

// RevokeAPIKey revokes one of the tenant's keys. ENOTFOUND if the key is not
// the tenant's, so a key id of another tenant reveals nothing.
func (s *Service) RevokeAPIKey(ctx context.Context, actor privet.Actor, tenantID, id string) error {
	err := s.Store.Update(ctx, func(tx privet.Tx) error {
		if err := tx.RevokeAPIKey(ctx, tenantID, id, s.clock().Now()); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, s.audit(tenantID, actor, "key.revoke", id))
	})
	if err != nil {
		return fmt.Errorf("tenancy: revoke key: %w", err)
	}
	s.keys.drop(id)
	return nil
}
