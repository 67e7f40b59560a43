package retention

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/taxonomy"
)

// HoldInput places a legal hold on a subject or on a data category.
type HoldInput struct {
	SubjectID string
	Category  string
	Reason    string
	Until     *time.Time
}

// PlaceHold places a hold. The subject must be the tenant's (ENOTFOUND
// otherwise) and the category one the policy collects; the reason is
// required. The audit event names the hold's subject or category, never its
// reason.
func (s *Service) PlaceHold(ctx context.Context, actor privet.Actor, tenantID string, in HoldInput) (*privet.Hold, error) {
	now := s.now().Now()
	h := &privet.Hold{ID: privet.NewID(privet.PrefixHold), TenantID: tenantID, SubjectID: in.SubjectID, Category: in.Category,
		Reason: in.Reason, CreatedBy: actor.ID, CreatedAt: now, Until: in.Until}
	if err := h.Validate(); err != nil {
		return nil, err
	}
	if in.Category != "" {
		pol, err := s.Policies.Policy(ctx, tenantID)
		if err != nil {
			return nil, err
		}
		if !pol.Taxonomy.Has(taxonomy.Category, in.Category) || !pol.Collects(in.Category) {
			return nil, privet.FieldError("category", "not a data category the policy collects")
		}
	}
	err := s.Store.Update(ctx, func(tx privet.Tx) error {
		if in.SubjectID != "" {
			if _, err := live(ctx, tx, tenantID, in.SubjectID, "subject_id"); err != nil {
				return err
			}
		}
		if err := tx.CreateHold(ctx, h); err != nil {
			return err
		}
		ev := actor.Event(tenantID, "hold.create", now)
		ev.SubjectID, ev.Reason = in.SubjectID, h.ID
		if in.Category != "" {
			ev.Categories = []string{in.Category}
		}
		return tx.AppendAudit(ctx, ev)
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// ReleaseHold releases a hold; what it kept is swept at the next sweep if
// due. Another tenant's hold is ENOTFOUND.
func (s *Service) ReleaseHold(ctx context.Context, actor privet.Actor, tenantID, id string) (*privet.Hold, error) {
	now := s.now().Now()
	var h *privet.Hold
	err := s.Store.Update(ctx, func(tx privet.Tx) error {
		if err := tx.ReleaseHold(ctx, tenantID, id, now); err != nil {
			return err
		}
		var err error
		if h, err = tx.Hold(ctx, tenantID, id); err != nil {
			return err
		}
		ev := actor.Event(tenantID, "hold.release", now)
		ev.SubjectID, ev.Reason = h.SubjectID, h.ID
		if h.Category != "" {
			ev.Categories = []string{h.Category}
		}
		return tx.AppendAudit(ctx, ev)
	})
	return h, err
}

// Holds lists the tenant's holds; active keeps only those in force now.
func (s *Service) Holds(ctx context.Context, tenantID string, f privet.HoldFilter) ([]*privet.Hold, error) {
	var hs []*privet.Hold
	err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		hs, err = tx.Holds(ctx, tenantID, f)
		return err
	})
	return hs, err
}

// Hold returns one hold.
func (s *Service) Hold(ctx context.Context, tenantID, id string) (*privet.Hold, error) {
	var h *privet.Hold
	err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		h, err = tx.Hold(ctx, tenantID, id)
		return err
	})
	return h, err
}
