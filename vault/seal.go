package vault

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
)

// sealer seals and opens one subject's values under its data key, binding
// each ciphertext to tenant, subject and field through associated data.
type sealer struct {
	tenantID, subjectID string
	key                 *crypto.DataKey
}

func identityField(t privet.IdentityType) string { return "identity:" + string(t) }

const birthDateField = "subject:birth_date"

func (s sealer) seal(field, value string) ([]byte, error) {
	return s.key.Seal([]byte(value), crypto.FieldAAD(s.tenantID, s.subjectID, field))
}

func (s sealer) open(field string, sealed []byte) (string, error) {
	b, err := s.key.Open(sealed, crypto.FieldAAD(s.tenantID, s.subjectID, field))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// newSubjectSealer gives a new subject its id and its data key, already
// stored: one made ahead from the pool if one is ready, else a fresh one.
func (s *Service) newSubjectSealer(ctx context.Context, tenantID string) (sealer, error) {
	if k, ok := s.takeKey(tenantID); ok {
		s.keys.put(tenantID, k.subjectID, k.key)
		return sealer{tenantID: tenantID, subjectID: k.subjectID, key: k.key}, nil
	}
	return s.newSealer(ctx, tenantID, privet.NewID(privet.PrefixSubject))
}

// newSealer creates and stores a fresh data key for a new subject.
func (s *Service) newSealer(ctx context.Context, tenantID, subjectID string) (sealer, error) {
	key, wrapped, keyID, err := s.Master.NewDataKey(tenantID, subjectID)
	if err != nil {
		return sealer{}, err
	}
	dk := &privet.DataKey{TenantID: tenantID, SubjectID: subjectID, Wrapped: wrapped, MasterKeyID: keyID, CreatedAt: s.now().Now()}
	if err := s.Keys.PutDataKey(ctx, dk); err != nil {
		return sealer{}, fmt.Errorf("store data key: %w", err)
	}
	s.keys.put(tenantID, subjectID, key)
	return sealer{tenantID: tenantID, subjectID: subjectID, key: key}, nil
}

// openSealer loads a subject's data key. A subject whose key is gone was
// erased: its data can no longer be read by anyone.
func (s *Service) openSealer(ctx context.Context, tenantID, subjectID string) (sealer, error) {
	if key := s.keys.get(tenantID, subjectID); key != nil {
		return sealer{tenantID: tenantID, subjectID: subjectID, key: key}, nil
	}
	dk, err := s.Keys.DataKey(ctx, tenantID, subjectID)
	if errors.Is(err, privet.ErrNotFound) {
		return sealer{}, privet.Errorf(privet.ENOTFOUND, "subject not found")
	} else if err != nil {
		return sealer{}, fmt.Errorf("load data key: %w", err)
	}
	key, err := s.Master.OpenDataKey(tenantID, subjectID, dk.Wrapped)
	if err != nil && s.ReloadMaster != nil && !slices.Contains(s.Master.KeyIDs(), dk.MasterKeyID) {
		// Wrapped by a version rotated in elsewhere: learn it, then retry.
		if rerr := s.ReloadMaster(); rerr != nil {
			return sealer{}, rerr
		}
		key, err = s.Master.OpenDataKey(tenantID, subjectID, dk.Wrapped)
	}
	if err != nil {
		return sealer{}, err
	}
	s.keys.put(tenantID, subjectID, key)
	return sealer{tenantID: tenantID, subjectID: subjectID, key: key}, nil
}
