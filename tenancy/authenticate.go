package tenancy

import (
	"context"
	"errors"
	"fmt"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
)

// errUnauthorized is the one answer to every bad credential: missing,
// unknown and revoked keys look alike, so a caller learns nothing about
// which keys exist.
var errUnauthorized = privet.Errorf(privet.EUNAUTHORIZED, "invalid or revoked API key")

// Authenticate finds the key whose secret is given. EUNAUTHORIZED for an
// empty, unknown or revoked secret. The work is the same whatever the secret:
// it is always hashed and looked up (in the store, or for a key used in the
// last seconds, in memory), so timing does not tell a malformed secret from
// an unknown one.
func (s *Service) Authenticate(ctx context.Context, secret string) (*privet.APIKey, error) {
	hash := crypto.HashAPIKey(secret)
	now := s.clock().Now()
	if k := s.keys.get(hash, now); k != nil && secret != "" {
		return k, nil
	}
	var k *privet.APIKey
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		var err error
		k, err = tx.APIKeyByHash(ctx, hash)
		return err
	})
	switch {
	case errors.Is(err, privet.ErrNotFound):
		return nil, errUnauthorized
	case err != nil:
		return nil, fmt.Errorf("tenancy: authenticate: %w", err)
	case secret == "" || k.RevokedAt != nil:
		return nil, errUnauthorized
	}
	s.keys.put(hash, k, now)
	return k, nil
}
