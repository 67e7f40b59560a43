package vault

import (
	"context"
	"fmt"

	"github.com/privet-dev/privet"
)

// Erase erases a subject: its identities, fields and blind indexes are
// deleted and its data key destroyed, so every copy of its data, backups
// included, can no longer be decrypted. The subject remains only as a
// pseudonymous id with the fact and time of erasure. A subject under an
// active legal hold (on it, or on a category of its data) is not erased:
// ECONFLICT names the hold. Erasing twice is not an
// error: the second call finishes whatever the first left undone.
func (s *Service) Erase(ctx context.Context, actor privet.Actor, tenantID, id string) error {
	now := s.now().Now()
	ev := actor.Event(tenantID, "subject.erase", now)
	ev.SubjectID = id
	err := s.Store.Update(ctx, func(tx privet.Tx) error {
		sub, err := tx.Subject(ctx, tenantID, id)
		if err != nil {
			return err
		}
		ev.Categories = subjectCategories(sub)
		if sub.Status != privet.StatusErased {
			if err := checkHolds(ctx, tx, sub, now); err != nil {
				return err
			}
			if err := tx.EraseSubject(ctx, tenantID, id, now); err != nil {
				return err
			}
		}
		return tx.AppendAudit(ctx, ev)
	})
	if err != nil {
		return err
	}
	// The audit record and the row deletion are committed; now shred the key.
	s.keys.drop(tenantID, id)
	s.changed(tenantID, id)
	// Should this fail, the call reports it and a retry completes it.
	if err := s.Keys.DeleteDataKey(ctx, tenantID, id); err != nil {
		return fmt.Errorf("destroy data key: %w", err)
	}
	return nil
}
