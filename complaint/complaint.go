// Package complaint keeps the register of complaints about how personal data
// is handled and the clock to answer each one: the due date comes from the
// policy's promise (complaints.response), an unanswered complaint past its
// due date is overdue, and the body the policy names for escalation
// (complaints.escalation) is offered once it is overdue or on request.
//
// The complaint's own words are personal data and stay in the operator's
// ticket system; the register keeps a reference to them, never the text.
package complaint

import (
	"context"
	"regexp"
	"slices"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/deadline"
	"github.com/privet-dev/privet/policy"
)

// Audit actions.
const (
	ActionCreate   = "complaint.create"
	ActionAnswer   = "complaint.answer"
	ActionEscalate = "complaint.escalate"
)

// Policies gives the policy in force for a tenant (vault.StaticPolicy fits).
type Policies interface {
	Policy(ctx context.Context, tenantID string) (*policy.Compiled, error)
}

// Service keeps the complaints register.
type Service struct {
	Store    privet.Store
	Policies Policies
	Clock    privet.Clock
}

func (s *Service) now() time.Time { return privet.ClockOr(s.Clock).Now() }

// Complaint is a complaint as the register shows it at a time.
type Complaint struct {
	*privet.Complaint
	Overdue bool `json:"overdue"`
	// Escalation is where the person may take the complaint (the policy's
	// complaints.escalation), shown once it is escalated or overdue.
	Escalation string `json:"escalation,omitempty"`
}

func view(c *privet.Complaint, pol *policy.Compiled, now time.Time) *Complaint {
	v := &Complaint{Complaint: c, Overdue: c.Overdue(now)}
	if (v.Overdue || c.Status == privet.ComplaintEscalated) && pol.Policy.Complaints != nil {
		v.Escalation = pol.Policy.Complaints.Escalation
	}
	return v
}

// CreateInput registers a complaint.
type CreateInput struct {
	SubjectID string `json:"subject_id,omitempty"`
	Channel   string `json:"channel"`
	// Reference names the complaint in the operator's ticket system: a
	// ticket number, never the complaint's words.
	Reference string `json:"reference,omitempty"`
	// Jurisdiction is where the person is; a known subject's own applies.
	Jurisdiction string `json:"jurisdiction,omitempty"`
	// ReceivedAt defaults to now; it may not lie in the future.
	ReceivedAt time.Time `json:"received_at,omitzero"`
}

// referencePattern keeps references to ticket-number shapes, so no one
// pastes the complaint itself, or an email address, into the register.
var referencePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:#/-]{0,63}$`)

// ValidReference reports whether s may be stored as a reference.
func ValidReference(s string) bool { return s == "" || referencePattern.MatchString(s) }

// DueAt returns when a complaint received at t from place must be answered:
// the policy's promise (complaints.response); where the policy promises
// nothing, the law's deadline for a rights request there. EINVALID when
// neither sets one.
func DueAt(pol *policy.Compiled, place string, t time.Time) (time.Time, error) {
	var p deadline.Period
	if c := pol.Policy.Complaints; c != nil {
		p, _ = deadline.ParsePeriod(c.Response)
	}
	if p.IsZero() {
		if law := pol.Law(place); law != nil {
			p = law.Response
		}
	}
	if p.IsZero() {
		return time.Time{}, privet.FieldError("jurisdiction", "the policy promises no complaint response time (complaints.response) and no law sets one here")
	}
	return deadline.Add(t, p, deadline.NoHolidays{}), nil
}

// Create registers a complaint and starts its clock. EINVALID names the
// field at fault; ENOTFOUND for a subject that is not the tenant's.
func (s *Service) Create(ctx context.Context, actor privet.Actor, tenantID string, in CreateInput) (*Complaint, error) {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	switch {
	case !slices.Contains(privet.ComplaintChannels, in.Channel):
		return nil, privet.FieldError("channel", "want one of %v", privet.ComplaintChannels)
	case !ValidReference(in.Reference):
		return nil, privet.FieldError("reference", "want a ticket reference: letters, digits and . _ : # / -, at most 64")
	case len(in.SubjectID) > 64:
		return nil, privet.FieldError("subject_id", "too long")
	case len(in.Jurisdiction) > 16:
		return nil, privet.FieldError("jurisdiction", "too long")
	case in.ReceivedAt.After(now):
		return nil, privet.FieldError("received_at", "lies in the future")
	}
	received := now
	if !in.ReceivedAt.IsZero() {
		received = in.ReceivedAt.UTC().Truncate(time.Microsecond)
	}
	c := &privet.Complaint{
		ID: privet.NewID(privet.PrefixComplaint), TenantID: tenantID, SubjectID: in.SubjectID, Channel: in.Channel,
		Reference: in.Reference, Jurisdiction: in.Jurisdiction, ReceivedAt: received, Status: privet.ComplaintOpen,
	}
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		if c.SubjectID != "" {
			sub, err := tx.Subject(ctx, tenantID, c.SubjectID)
			if err != nil {
				return err
			}
			if sub.Status == privet.StatusErased {
				return privet.Errorf(privet.ENOTFOUND, "subject not found")
			}
			c.Jurisdiction = sub.Jurisdiction
		}
		if c.Jurisdiction != "" && pol.Law(c.Jurisdiction) == nil {
			return privet.FieldError("jurisdiction", "unknown jurisdiction")
		}
		if c.DueAt, err = DueAt(pol, c.Jurisdiction, c.ReceivedAt); err != nil {
			return err
		}
		if err := tx.CreateComplaint(ctx, c); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, s.event(actor, c, ActionCreate, now))
	})
	if err != nil {
		return nil, err
	}
	return view(c, pol, now), nil
}

func (s *Service) event(actor privet.Actor, c *privet.Complaint, action string, now time.Time) *privet.AuditEvent {
	ev := actor.Event(c.TenantID, action, now)
	ev.SubjectID, ev.Reason = c.SubjectID, c.ID
	return ev
}

// Get returns the tenant's complaint. ENOTFOUND if none.
func (s *Service) Get(ctx context.Context, tenantID, id string) (*Complaint, error) {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	var c *privet.Complaint
	if err := s.Store.View(ctx, func(tx privet.Tx) error {
		c, err = tx.Complaint(ctx, tenantID, id)
		return err
	}); err != nil {
		return nil, err
	}
	return view(c, pol, s.now()), nil
}

// ListInput selects complaints. Overdue keeps the unanswered ones past due.
type ListInput struct {
	Status  string
	Overdue bool
	After   string
	Limit   int
}

// List returns the tenant's complaints by due date, and the counts.
func (s *Service) List(ctx context.Context, tenantID string, in ListInput) ([]*Complaint, privet.ComplaintCounts, error) {
	var counts privet.ComplaintCounts
	f := privet.ComplaintFilter{After: in.After, Limit: in.Limit}
	if in.Status != "" {
		st, err := privet.ParseComplaintStatus(in.Status)
		if err != nil {
			return nil, counts, err
		}
		f.Status = st
	}
	if in.Limit < 0 || in.Limit > 1000 {
		return nil, counts, privet.FieldError("limit", "must be between 0 and 1000")
	}
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, counts, err
	}
	now := s.now()
	if in.Overdue {
		// Due at or before now: the first instant after now bounds it.
		f.DueBefore = now.Add(time.Microsecond)
	}
	var cs []*privet.Complaint
	err = s.Store.View(ctx, func(tx privet.Tx) error {
		if cs, err = tx.Complaints(ctx, tenantID, f); err != nil {
			return err
		}
		counts, err = tx.CountComplaints(ctx, tenantID, now)
		return err
	})
	if err != nil {
		return nil, counts, err
	}
	out := make([]*Complaint, 0, len(cs))
	for _, c := range cs {
		if in.Overdue && c.Status == privet.ComplaintAnswered {
			continue
		}
		out = append(out, view(c, pol, now))
	}
	return out, counts, nil
}

// Answer records that the complaint was answered now. ECONFLICT if it was
// answered already.
func (s *Service) Answer(ctx context.Context, actor privet.Actor, tenantID, id string) (*Complaint, error) {
	return s.change(ctx, actor, tenantID, id, ActionAnswer, func(c *privet.Complaint, now time.Time) error {
		if c.Status == privet.ComplaintAnswered {
			return privet.Errorf(privet.ECONFLICT, "the complaint is answered already")
		}
		c.Status, c.AnsweredAt = privet.ComplaintAnswered, &now
		return nil
	})
}

// Escalate refers the complaint to the body the policy names, on the
// person's request or once it is overdue. ECONFLICT if it is answered or
// escalated already; EINVALID if the policy names no escalation body.
func (s *Service) Escalate(ctx context.Context, actor privet.Actor, tenantID, id string) (*Complaint, error) {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if pol.Policy.Complaints == nil || pol.Policy.Complaints.Escalation == "" {
		return nil, privet.Errorf(privet.EINVALID, "the policy names no escalation body (complaints.escalation)")
	}
	return s.change(ctx, actor, tenantID, id, ActionEscalate, func(c *privet.Complaint, now time.Time) error {
		if c.Status != privet.ComplaintOpen {
			return privet.Errorf(privet.ECONFLICT, "the complaint is %s already", c.Status)
		}
		c.Status, c.EscalatedAt = privet.ComplaintEscalated, &now
		return nil
	})
}

func (s *Service) change(ctx context.Context, actor privet.Actor, tenantID, id, action string, fn func(*privet.Complaint, time.Time) error) (*Complaint, error) {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var c *privet.Complaint
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		if c, err = tx.Complaint(ctx, tenantID, id); err != nil {
			return err
		}
		if err := fn(c, now); err != nil {
			return err
		}
		if err := tx.UpdateComplaint(ctx, c); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, s.event(actor, c, action, now))
	})
	if err != nil {
		return nil, err
	}
	return view(c, pol, now), nil
}
