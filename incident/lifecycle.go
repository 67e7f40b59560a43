package incident

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
)

// View is an incident with where it stands: the notices the law asks for,
// which are overdue, and how many people it affects.
type View struct {
	*privet.Incident
	Affected    privet.AffectedCounts `json:"affected"`
	Obligations []Obligation          `json:"obligations"`
	// Overdue says a required notice is past its deadline.
	Overdue bool `json:"overdue"`
}

// Get returns the tenant's incident with its obligations as of now.
func (s *Service) Get(ctx context.Context, tenantID, id string) (*View, error) {
	var v View
	err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		if v.Incident, err = tx.Incident(ctx, tenantID, id); err != nil {
			return err
		}
		v.Affected, err = tx.CountAffected(ctx, tenantID, id, query(v.Incident))
		return err
	})
	if err != nil {
		return nil, err
	}
	v.Obligations = Obligations(v.Incident, v.Affected.People, s.clock().Now())
	if v.Obligations == nil {
		v.Obligations = []Obligation{}
	}
	v.Overdue = Overdue(v.Obligations)
	return &v, nil
}

// Summary is an incident in a list, with its deadline state.
type Summary struct {
	ID           string                `json:"id"`
	Title        string                `json:"title"`
	Status       privet.IncidentStatus `json:"status"`
	Risk         privet.Risk           `json:"risk"`
	DiscoveredAt time.Time             `json:"discovered_at"`
	// RegulatorDue is the earliest fixed regulator deadline still open.
	RegulatorDue *time.Time `json:"regulator_due,omitempty"`
	Overdue      bool       `json:"overdue"`
}

// List lists the tenant's incidents by id.
func (s *Service) List(ctx context.Context, tenantID string, f privet.IncidentFilter) ([]Summary, error) {
	if f.Status != "" {
		if _, err := privet.ParseIncidentStatus(string(f.Status)); err != nil {
			return nil, err
		}
	}
	var incs []*privet.Incident
	if err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		incs, err = tx.Incidents(ctx, tenantID, f)
		return err
	}); err != nil {
		return nil, err
	}
	now := s.clock().Now()
	out := make([]Summary, 0, len(incs))
	for _, inc := range incs {
		// Without a count, thresholds on the number of people are taken as
		// met: a list errs on the side of a notice.
		obs := Obligations(inc, 1<<31, now)
		sum := Summary{ID: inc.ID, Title: inc.Title, Status: inc.Status, Risk: inc.Risk, DiscoveredAt: inc.DiscoveredAt, Overdue: Overdue(obs)}
		for _, o := range obs {
			if o.Audience == ToRegulator && o.Required && o.Done == nil && o.Due != nil && (sum.RegulatorDue == nil || o.Due.Before(*sum.RegulatorDue)) {
				sum.RegulatorDue = o.Due
			}
		}
		out = append(out, sum)
	}
	return out, nil
}

// change loads the incident, applies fn, saves it and audits action, in one
// transaction.
func (s *Service) change(ctx context.Context, actor privet.Actor, tenantID, id, action string, fn func(inc *privet.Incident, now time.Time) error) (*privet.Incident, error) {
	var inc *privet.Incident
	err := s.Store.Update(ctx, func(tx privet.Tx) (err error) {
		if inc, err = tx.Incident(ctx, tenantID, id); err != nil {
			return err
		}
		now := s.clock().Now()
		if err := fn(inc, now); err != nil {
			return err
		}
		inc.UpdatedAt = now
		if err := tx.UpdateIncident(ctx, inc); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, auditEvent(actor, inc, action, s.clock()))
	})
	return inc, err
}

// RegulatorNotified records that the regulator was told at at (zero: now),
// which stops the regulator's clock.
func (s *Service) RegulatorNotified(ctx context.Context, actor privet.Actor, tenantID, id string, at time.Time) (*privet.Incident, error) {
	return s.change(ctx, actor, tenantID, id, "incident.regulator_notified", func(inc *privet.Incident, now time.Time) error {
		if at.IsZero() {
			at = now
		}
		if at.After(now) {
			return privet.FieldError("at", "is in the future")
		}
		if at.Before(inc.DiscoveredAt) {
			return privet.FieldError("at", "is before the incident was discovered")
		}
		at = at.UTC()
		inc.RegulatorNotifiedAt = &at
		if inc.Status == privet.IncidentOpen {
			inc.Status = privet.IncidentNotified
		}
		return nil
	})
}

// Close ends the incident's handling; no more notices are sent for it.
func (s *Service) Close(ctx context.Context, actor privet.Actor, tenantID, id string) (*privet.Incident, error) {
	return s.change(ctx, actor, tenantID, id, "incident.close", func(inc *privet.Incident, _ time.Time) error {
		inc.Status = privet.IncidentClosed
		return nil
	})
}
