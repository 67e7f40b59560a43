package disclosure

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/deadline"
)

// DefaultDeletionWithin is how long an ended processor has to confirm the
// deletion when the caller names no period.
const DefaultDeletionWithin = "30d"

// EndInput records the end of a processor's entrustment.
type EndInput struct {
	Recipient string `json:"recipient"`
	Reference string `json:"reference,omitempty"`
	// EndedAt defaults to now; it may not lie in the future.
	EndedAt time.Time `json:"ended_at,omitzero"`
	// DeletionWithin is the period the processor has to confirm deletion
	// ("30d", "10bd"); default DefaultDeletionWithin.
	DeletionWithin string `json:"deletion_within,omitempty"`
}

// ProcessorEnd is an ended entrustment as the register shows it at a time.
type ProcessorEnd struct {
	*privet.ProcessorEnd
	// Overdue says the deletion is unconfirmed past its due date.
	Overdue bool `json:"overdue"`
}

// EndEntrustment records that a processor's entrustment ended and starts
// the clock for its deletion confirmation (D10). EINVALID names the field.
func (s *Service) EndEntrustment(ctx context.Context, actor privet.Actor, tenantID string, in EndInput) (*ProcessorEnd, error) {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	r, ok := pol.Recipient(in.Recipient)
	if in.DeletionWithin == "" {
		in.DeletionWithin = DefaultDeletionWithin
	}
	p, perr := deadline.ParsePeriod(in.DeletionWithin)
	switch {
	case !ok:
		return nil, privet.FieldError("recipient", "the policy declares no such recipient")
	case r.Type != "processor":
		return nil, privet.FieldError("recipient", "the recipient is not declared as a processor")
	case !ValidReference(in.Reference):
		return nil, privet.FieldError("reference", "want a contract reference: letters, digits and . _ : # / -, at most 64")
	case in.EndedAt.After(now):
		return nil, privet.FieldError("ended_at", "lies in the future")
	case perr != nil || p.IsZero():
		return nil, privet.FieldError("deletion_within", "want a period such as 30d or 10bd")
	}
	ended := now
	if !in.EndedAt.IsZero() {
		ended = in.EndedAt.UTC().Truncate(time.Microsecond)
	}
	e := &privet.ProcessorEnd{ID: privet.NewID(privet.PrefixProcessorEnd), TenantID: tenantID, Recipient: in.Recipient,
		Reference: in.Reference, EndedAt: ended, DeletionDue: deadline.Add(ended, p, deadline.NoHolidays{})}
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		if err := tx.CreateProcessorEnd(ctx, e); err != nil {
			return err
		}
		ev := actor.Event(tenantID, ActionEntrustmentEnd, now)
		ev.Reason = "recipient:" + e.Recipient + ";" + e.ID
		return tx.AppendAudit(ctx, ev)
	})
	if err != nil {
		return nil, err
	}
	return &ProcessorEnd{ProcessorEnd: e, Overdue: !now.Before(e.DeletionDue)}, nil
}

// ConfirmDeletion records the processor's confirmation that it deleted the
// data. ENOTFOUND if not the tenant's; ECONFLICT if confirmed already.
func (s *Service) ConfirmDeletion(ctx context.Context, actor privet.Actor, tenantID, id string) error {
	now := s.now()
	return s.Store.Update(ctx, func(tx privet.Tx) error {
		if err := tx.ConfirmProcessorDeletion(ctx, tenantID, id, now); err != nil {
			return err
		}
		ev := actor.Event(tenantID, ActionDeletionConfirm, now)
		ev.Reason = id
		return tx.AppendAudit(ctx, ev)
	})
}

// ProcessorEnds lists ended entrustments by deletion due date; outstanding
// keeps those whose deletion is unconfirmed.
func (s *Service) ProcessorEnds(ctx context.Context, tenantID string, outstanding bool) ([]*ProcessorEnd, error) {
	var es []*privet.ProcessorEnd
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		var err error
		es, err = tx.ProcessorEnds(ctx, tenantID, outstanding)
		return err
	})
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]*ProcessorEnd, len(es))
	for i, e := range es {
		out[i] = &ProcessorEnd{ProcessorEnd: e, Overdue: e.ConfirmedAt == nil && !now.Before(e.DeletionDue)}
	}
	return out, nil
}
