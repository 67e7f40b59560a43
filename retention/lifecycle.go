package retention

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// MaxSubjectsPerEvent bounds one relationship-ended event; a client with
// more end users sends several.
const MaxSubjectsPerEvent = 1000

// schedule writes the due items of the rules a trigger starts for one
// subject, each due its period after at.
func schedule(pol *policy.Compiled, tenantID, subjectID string, rules []policy.RetentionRule, at time.Time) []privet.RetentionItem {
	items := make([]privet.RetentionItem, 0, len(rules))
	for i := range rules {
		r := &rules[i]
		if !r.PerSubject() {
			continue // records swept tenant-wide have no subject item
		}
		items = append(items, privet.RetentionItem{TenantID: tenantID, SubjectID: subjectID, RuleKey: r.Key, Action: r.Action, DueAt: pol.Due(r, at)})
	}
	return items
}

// live loads a subject a lifecycle event may act on: an erased subject is
// gone (ENOTFOUND), as is another tenant's.
func live(ctx context.Context, tx privet.Tx, tenantID, id, field string) (*privet.Subject, error) {
	if id == "" {
		return nil, privet.FieldError(field, "is required")
	}
	sub, err := tx.Subject(ctx, tenantID, id)
	if privet.ErrorCode(err) == privet.ENOTFOUND || (err == nil && sub.Status == privet.StatusErased) {
		return nil, &privet.Error{Code: privet.ENOTFOUND, Field: field, Message: "subject not found"}
	}
	return sub, err
}

// Close closes the subject's account. Where the policy has rules triggered by
// account closure, closing schedules them (data goes when their period ends),
// it does not delete at once. Closing a closed account keeps the first
// closing time.
func (s *Service) Close(ctx context.Context, actor privet.Actor, tenantID, id string) error {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return err
	}
	now := s.now().Now()
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		sub, err := live(ctx, tx, tenantID, id, "subject_id")
		if err != nil {
			return err
		}
		if sub.ClosedAt == nil {
			sub.ClosedAt = &now
		}
		sub.Status, sub.UpdatedAt, sub.LastActivityAt = privet.StatusClosed, now, now
		if err := tx.UpdateSubject(ctx, sub); err != nil {
			return err
		}
		items := schedule(pol, tenantID, id, pol.RulesFor(policy.TriggerAccountClosed), *sub.ClosedAt)
		if err := tx.ScheduleRetention(ctx, items); err != nil {
			return err
		}
		ev := actor.Event(tenantID, "subject.close", now)
		ev.SubjectID, ev.Reason = id, "scheduled "+strconv.Itoa(len(items))
		return tx.AppendAudit(ctx, ev)
	})
	if err == nil {
		s.changed(tenantID, id)
	}
	return err
}

// Reopen reopens a closed account: the items its closure scheduled are
// dropped.
func (s *Service) Reopen(ctx context.Context, actor privet.Actor, tenantID, id string) error {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return err
	}
	now := s.now().Now()
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		sub, err := live(ctx, tx, tenantID, id, "subject_id")
		if err != nil {
			return err
		}
		sub.Status, sub.ClosedAt, sub.UpdatedAt, sub.LastActivityAt = privet.StatusActive, nil, now, now
		if err := tx.UpdateSubject(ctx, sub); err != nil {
			return err
		}
		if err := tx.UnscheduleRetention(ctx, tenantID, id, ruleKeys(pol.RulesFor(policy.TriggerAccountClosed))); err != nil {
			return err
		}
		ev := actor.Event(tenantID, "subject.reopen", now)
		ev.SubjectID = id
		return tx.AppendAudit(ctx, ev)
	})
	if err == nil {
		s.changed(tenantID, id)
	}
	return err
}

func ruleKeys(rules []policy.RetentionRule) []string {
	keys := make([]string, len(rules))
	for i, r := range rules {
		keys[i] = r.Key
	}
	if len(keys) == 0 {
		return []string{""} // no rule: unschedule nothing rather than everything
	}
	return keys
}

// Touch records the subject's activity: rules triggered by last activity
// start again from now.
func (s *Service) Touch(ctx context.Context, actor privet.Actor, tenantID, id string) error {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return err
	}
	now := s.now().Now()
	return s.Store.Update(ctx, func(tx privet.Tx) error {
		sub, err := live(ctx, tx, tenantID, id, "subject_id")
		if err != nil {
			return err
		}
		sub.UpdatedAt, sub.LastActivityAt = now, now
		if err := tx.UpdateSubject(ctx, sub); err != nil {
			return err
		}
		if err := tx.ScheduleRetention(ctx, schedule(pol, tenantID, id, pol.RulesFor(policy.TriggerLastActivity), now)); err != nil {
			return err
		}
		ev := actor.Event(tenantID, "subject.touch", now)
		ev.SubjectID = id
		return tx.AppendAudit(ctx, ev)
	})
}

// Collected starts the rules triggered by collection for a subject, from
// the time it was created.
func (s *Service) Collected(ctx context.Context, tenantID, id string) error {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx privet.Tx) error {
		sub, err := live(ctx, tx, tenantID, id, "subject_id")
		if err != nil {
			return err
		}
		return ScheduleCollected(ctx, tx, pol, sub)
	})
}

// ScheduleCollected schedules, in tx, the rules triggered by collection for
// a subject, from the time it was created: the vault runs it in the
// transaction that creates the subject (vault.Service.Created).
func ScheduleCollected(ctx context.Context, tx privet.Tx, pol *policy.Compiled, sub *privet.Subject) error {
	items := schedule(pol, sub.TenantID, sub.ID, pol.RulesFor(policy.TriggerCollected), sub.CreatedAt)
	if len(items) == 0 {
		return nil
	}
	return tx.ScheduleRetention(ctx, items)
}

// RelationshipEnded records that the relationship with each subject ended
// (a client's contract ended: all of its end users). Every subject must
// exist, or nothing is recorded: the error names the first unknown one by
// its position, never by a value.
func (s *Service) RelationshipEnded(ctx context.Context, actor privet.Actor, tenantID string, ids []string) error {
	if len(ids) == 0 {
		return privet.FieldError("subject_ids", "list at least one subject")
	}
	if len(ids) > MaxSubjectsPerEvent {
		return privet.FieldError("subject_ids", "at most %d subjects per event", MaxSubjectsPerEvent)
	}
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return err
	}
	rules := pol.RulesFor(policy.TriggerRelationshipEnd)
	now := s.now().Now()
	return s.Store.Update(ctx, func(tx privet.Tx) error {
		events := make([]*privet.AuditEvent, 0, len(ids))
		for i, id := range ids {
			if _, err := live(ctx, tx, tenantID, id, fmt.Sprintf("subject_ids[%d]", i)); err != nil {
				return err
			}
			if err := tx.ScheduleRetention(ctx, schedule(pol, tenantID, id, rules, now)); err != nil {
				return err
			}
			ev := actor.Event(tenantID, "subject.relationship_ended", now)
			ev.SubjectID = id
			events = append(events, ev)
		}
		return tx.AppendAudits(ctx, events)
	})
}

// ConsentWithdrawn starts the rules triggered by withdrawing consent to
// purpose for the subject.
func (s *Service) ConsentWithdrawn(ctx context.Context, actor privet.Actor, tenantID, id, purpose string) error {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return err
	}
	if _, ok := pol.Purpose(purpose); !ok {
		return privet.FieldError("purpose", "purpose is not declared in the policy")
	}
	now := s.now().Now()
	return s.Store.Update(ctx, func(tx privet.Tx) error {
		if _, err := live(ctx, tx, tenantID, id, "subject_id"); err != nil {
			return err
		}
		if err := tx.ScheduleRetention(ctx, schedule(pol, tenantID, id, pol.RulesForPurpose(purpose, policy.TriggerConsentWithdrawn), now)); err != nil {
			return err
		}
		ev := actor.Event(tenantID, "subject.consent_withdrawn", now)
		ev.SubjectID, ev.Purpose = id, purpose
		return tx.AppendAudit(ctx, ev)
	})
}
