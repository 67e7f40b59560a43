// Package incident handles personal data breaches: the breach record, the
// clocks the law starts when the controller becomes aware of one (72 hours
// to the regulator under GDPR Art. 33), the people it touched, found by the
// categories of their data through an index without decrypting anything,
// the notices sent to each of them once, a public announcement when
// individual notice is impractical, and the report to the regulator.
//
// Nothing in an incident names a person: its texts describe the breach, and
// the people affected are kept apart by subject id. Audit events carry ids,
// categories and counts only.
package incident

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/vault"
)

// Policies gives the policy in force for a tenant (vault.StaticPolicy fits).
type Policies interface {
	Policy(ctx context.Context, tenantID string) (*policy.Compiled, error)
}

// Service is the incident service.
type Service struct {
	Store    privet.Store
	Vault    *vault.Service
	Policies Policies
	Clock    privet.Clock
	// Reacher tells each person, by email or else by text message; without
	// one, notices wait (the delivery job fails and is retried) until one
	// is configured.
	Reacher *notify.Reacher
	// Renderer writes the notice (email and text message); nil means
	// TextRenderer.
	Renderer Renderer
	// NoticePurpose is the purpose under which a person's email address and
	// phone number are read to send a notice; empty picks one of
	// vault.NoticePurposes by vault.NoticePurpose's rule.
	NoticePurpose string
}

// System is the actor of incident work done by a job.
func System() privet.Actor { return privet.Actor{Type: privet.ActorSystem, ID: "incident"} }

func (s *Service) clock() privet.Clock { return privet.ClockOr(s.Clock) }

func (s *Service) renderer() Renderer {
	if s.Renderer == nil {
		return TextRenderer{}
	}
	return s.Renderer
}

func (s *Service) policy(ctx context.Context, tenantID string) (*policy.Compiled, error) {
	if s.Policies == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "no policy is loaded")
	}
	return s.Policies.Policy(ctx, tenantID)
}

// get loads the tenant's incident.
func (s *Service) get(ctx context.Context, tenantID, id string) (*privet.Incident, error) {
	var inc *privet.Incident
	err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		inc, err = tx.Incident(ctx, tenantID, id)
		return err
	})
	return inc, err
}

// auditEvent is an incident audit event: the incident's id and categories,
// never a text of it.
func auditEvent(actor privet.Actor, inc *privet.Incident, action string, at privet.Clock) *privet.AuditEvent {
	ev := actor.Event(inc.TenantID, action, at.Now())
	ev.Categories = inc.Categories
	ev.Reason = "incident " + inc.ID
	return ev
}
