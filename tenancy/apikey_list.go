package tenancy

import (
	"context"
	"fmt"

	"github.com/privet-dev/privet"
)

// APIKeys lists the tenant's keys, revoked ones included, oldest first.
func (s *Service) APIKeys(ctx context.Context, tenantID string) ([]*privet.APIKey, error) {
	var ks []*privet.APIKey
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		var err error
		ks, err = tx.APIKeys(ctx, tenantID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tenancy: list keys: %w", err)
	}
	return ks, nil
}
