package incident

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
)

// Announcement is the public notice of a breach, for when telling each
// person would take disproportionate effort (GDPR Art. 34(3)(c)): the same
// account a notice email gives, served to anyone at a public address.
type Announcement struct {
	ID            string     `json:"id"`
	Controller    string     `json:"controller"`
	Contact       string     `json:"contact,omitempty"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	Categories    []string   `json:"categories"`
	DiscoveredAt  time.Time  `json:"discovered_at"`
	OccurredAt    *time.Time `json:"occurred_at,omitempty"`
	Impact        string     `json:"impact"`
	Measures      string     `json:"measures"`
	Advice        string     `json:"advice"`
	PasswordReset bool       `json:"password_reset"`
	PublishedAt   time.Time  `json:"published_at"`
}

// Publish publishes the incident's public notice (once: publishing again
// keeps the first time). It counts as notice to the people affected.
func (s *Service) Publish(ctx context.Context, actor privet.Actor, tenantID, id string) (*privet.Incident, error) {
	return s.change(ctx, actor, tenantID, id, "incident.publish", func(inc *privet.Incident, now time.Time) error {
		if inc.PublicNoticeAt == nil {
			inc.PublicNoticeAt = &now
		}
		if inc.Status == privet.IncidentOpen {
			inc.Status = privet.IncidentNotified
		}
		return nil
	})
}

// Public returns the published notice of an incident of any tenant: the
// incident id is unguessable, and an unpublished or unknown one is ENOTFOUND
// alike.
func (s *Service) Public(ctx context.Context, id string) (*Announcement, error) {
	var inc *privet.Incident
	if err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		inc, err = tx.PublicIncident(ctx, id)
		return err
	}); err != nil {
		if privet.ErrorCode(err) == privet.ENOTFOUND {
			return nil, privet.Errorf(privet.ENOTFOUND, "incident not found")
		}
		return nil, err
	}
	a := &Announcement{
		ID: inc.ID, Title: inc.Title, Description: inc.Description, Categories: inc.Categories,
		DiscoveredAt: inc.DiscoveredAt, OccurredAt: inc.OccurredAt, Impact: inc.Impact, Measures: inc.Measures,
		Advice: inc.Advice, PasswordReset: inc.PasswordReset, PublishedAt: *inc.PublicNoticeAt,
	}
	if pol, err := s.policy(ctx, inc.TenantID); err == nil {
		c := pol.Policy.Controller
		a.Controller, a.Contact = c.Name, c.Email
		if c.DPO != nil && c.DPO.Email != "" {
			a.Contact = c.DPO.Email
		}
	}
	return a, nil
}
