package vault

import (
	"context"

	"github.com/privet-dev/privet"
)

// Close marks the subject's account closed. Its data stays until retention
// says otherwise: closing schedules deletion, it does not delete.
func (s *Service) Close(ctx context.Context, actor privet.Actor, tenantID, id string) error {
	return s.setStatus(ctx, actor, tenantID, id, privet.StatusClosed, "subject.close")
}

// Restrict restricts processing (GDPR Art. 18): reads are refused except for
// purposes the policy allows under restriction.
func (s *Service) Restrict(ctx context.Context, actor privet.Actor, tenantID, id string) error {
	return s.setStatus(ctx, actor, tenantID, id, privet.StatusRestricted, "subject.restrict")
}

// Reactivate lifts a restriction or reopens a closed account.
func (s *Service) Reactivate(ctx context.Context, actor privet.Actor, tenantID, id string) error {
	return s.setStatus(ctx, actor, tenantID, id, privet.StatusActive, "subject.reactivate")
}

// Touch records activity, which retention rules triggered by last activity use.
func (s *Service) Touch(ctx context.Context, actor privet.Actor, tenantID, id string) error {
	return s.setStatus(ctx, actor, tenantID, id, "", "subject.touch")
}

func (s *Service) setStatus(ctx context.Context, actor privet.Actor, tenantID, id string, status privet.SubjectStatus, action string) error {
	now := s.now().Now()
	ev := actor.Event(tenantID, action, now)
	ev.SubjectID = id
	defer s.changed(tenantID, id)
	return s.Store.Update(ctx, func(tx privet.Tx) error {
		sub, err := tx.Subject(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if sub.Status == privet.StatusErased {
			return privet.Errorf(privet.ENOTFOUND, "subject not found")
		}
		switch status {
		case "":
		case privet.StatusClosed:
			if sub.ClosedAt == nil {
				sub.ClosedAt = &now
			}
			sub.Status = status
		case privet.StatusActive:
			sub.ClosedAt = nil
			sub.Status = status
		default:
			sub.Status = status
		}
		sub.UpdatedAt, sub.LastActivityAt = now, now
		if err := tx.UpdateSubject(ctx, sub); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, ev)
	})
}

// List lists subjects without any personal data.
func (s *Service) List(ctx context.Context, tenantID string, f privet.SubjectFilter) ([]SubjectSummary, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	var subs []*privet.Subject
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		var err error
		subs, err = tx.Subjects(ctx, tenantID, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]SubjectSummary, 0, len(subs))
	for _, sub := range subs {
		out = append(out, summarize(sub))
	}
	return out, nil
}
