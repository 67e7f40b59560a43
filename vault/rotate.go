package vault

import (
	"context"
	"errors"

	"github.com/privet-dev/privet"
)

// RotationProgress says how many data keys are wrapped by the current
// master key version and how many still wait for re-wrapping.
type RotationProgress struct {
	PrimaryKeyID uint32           `json:"primary_key_id"`
	Current      int64            `json:"current"`
	Pending      int64            `json:"pending"`
	ByKeyID      map[uint32]int64 `json:"by_key_id"`
}

// Progress reports rotation progress.
func (s *Service) Progress(ctx context.Context) (RotationProgress, error) {
	counts, err := s.Keys.CountDataKeys(ctx)
	if err != nil {
		return RotationProgress{}, err
	}
	p := RotationProgress{PrimaryKeyID: s.Master.PrimaryKeyID(), ByKeyID: counts}
	for id, n := range counts {
		if id == p.PrimaryKeyID {
			p.Current += n
		} else {
			p.Pending += n
		}
	}
	return p, nil
}

// Rewrap re-wraps up to batch data keys still wrapped by an older master key
// version under the primary one, and returns how many it re-wrapped. The
// store's compare-and-swap makes it safe to run alongside reads, writes and
// erasures, and on several servers at once; it is resumable at any point
// because progress lives in the keys themselves.
func (s *Service) Rewrap(ctx context.Context, batch int) (int, error) {
	primary := s.Master.PrimaryKeyID()
	keys, err := s.Keys.DataKeysNotWrappedBy(ctx, primary, "", "", batch)
	if err != nil {
		return 0, err
	}
	done := 0
	for _, k := range keys {
		wrapped, id, err := s.Master.Rewrap(k.TenantID, k.SubjectID, k.Wrapped)
		if err != nil {
			return done, err
		}
		err = s.Keys.RewrapDataKey(ctx, k.TenantID, k.SubjectID, k.MasterKeyID, wrapped, id)
		if errors.Is(err, privet.ErrNotFound) || privet.ErrorCode(err) == privet.ECONFLICT {
			continue // erased or re-wrapped by someone else meanwhile
		}
		if err != nil {
			return done, err
		}
		done++
	}
	return done, nil
}

// RewrapAll re-wraps every pending data key in batches until none is left.
func (s *Service) RewrapAll(ctx context.Context, batch int) (int, error) {
	total := 0
	for {
		n, err := s.Rewrap(ctx, batch)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}
