package incident

import (
	"context"

	"github.com/privet-dev/privet/notify"
)

// TemplateRenderer writes the notice with the incident_notice templates of
// package notify: text and HTML, every sentence from the translation
// catalog.
type TemplateRenderer struct {
	Templates *notify.Templates
	Lang      string // "" for English
}

// Render writes the notice.
func (r TemplateRenderer) Render(_ context.Context, n Notice) (notify.Message, error) {
	inc := n.Incident
	contact := n.Controller.Email
	if dpo := n.Controller.DPO; dpo != nil && dpo.Email != "" {
		contact = dpo.Email
	}
	return r.Templates.Render(notify.IncidentNotice, r.Lang, notify.Data{
		Service:         n.Controller.Name,
		ControllerName:  n.Controller.Name,
		ControllerEmail: contact,
		IncidentSummary: inc.Description,
		IncidentImpact:  inc.Impact,
		IncidentActions: inc.Measures,
		IncidentAdvice:  inc.Advice,
		PasswordReset:   inc.PasswordReset,
	})
}
