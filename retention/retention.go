// Package retention keeps the policy's retention promises by itself. A
// trigger (an account closed, consent withdrawn, a relationship ended,
// activity) writes the subject's due items to the retention schedule; a
// periodic sweep reads the items that are due through their index, in
// batches, and deletes, anonymizes or aggregates what each rule covers,
// skipping what a legal hold keeps and saying why. Every action is audited
// by subject id and category, never by value.
//
// A sweep is idempotent and resumable: each batch commits its effects, its
// audit events and the removal of its items together, and a subject already
// erased is not acted on again, so a sweep cut short is finished by the next
// one without doing anything twice.
package retention

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/vault"
)

// DefaultBatch is how many due items a sweep acts on per transaction.
const DefaultBatch = 1000

// Service keeps retention.
type Service struct {
	Store    privet.Store
	Keys     privet.DataKeyStore
	Vault    *vault.Service
	Policies vault.Policies
	Clock    privet.Clock
	// Templates render the wind-down notice.
	Templates *notify.Templates
	// Batch is the number of due items per transaction (DefaultBatch if 0).
	Batch int
	// Changed, when set, hears of every subject whose status or data a
	// lifecycle event or a sweep changed, so caches of them stay true.
	Changed func(tenantID, subjectID string)
}

// system is the actor of sweeps in the audit log.
var system = privet.Actor{Type: privet.ActorSystem, ID: "retention"}

func (s *Service) now() privet.Clock { return privet.ClockOr(s.Clock) }

func (s *Service) batch() int {
	if s.Batch <= 0 {
		return DefaultBatch
	}
	return s.Batch
}

func (s *Service) changed(tenantID, subjectID string) {
	if s.Vault != nil {
		s.Vault.Forget(tenantID, subjectID)
	}
	if s.Changed != nil {
		s.Changed(tenantID, subjectID)
	}
}

// keysDeleter is a key store that destroys a batch of keys at once; both
// engines' key stores are. Others are called key by key.
type keysDeleter interface {
	DeleteDataKeys(ctx context.Context, tenantID string, subjectIDs []string) error
}

// shred destroys the data keys of erased subjects: every copy of their data,
// backups included, can no longer be decrypted.
func (s *Service) shred(ctx context.Context, tenantID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if kd, ok := s.Keys.(keysDeleter); ok {
		return kd.DeleteDataKeys(ctx, tenantID, ids)
	}
	for _, id := range ids {
		if err := s.Keys.DeleteDataKey(ctx, tenantID, id); err != nil {
			return err
		}
	}
	return nil
}

// activeHolds lists the tenant's holds in force at t. Holds are few (placed
// by hand, one per case), so a sweep keeps them in memory.
func activeHolds(ctx context.Context, tx privet.Tx, tenantID string, at time.Time) ([]*privet.Hold, error) {
	var out []*privet.Hold
	f := privet.HoldFilter{ActiveAt: at, Limit: 1000}
	for {
		hs, err := tx.Holds(ctx, tenantID, f)
		if err != nil {
			return nil, err
		}
		out = append(out, hs...)
		if len(hs) < f.Limit {
			return out, nil
		}
		f.After = hs[len(hs)-1].ID
	}
}
