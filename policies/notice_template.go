package policies

import (
	"context"
	"net/url"
	"strings"

	"github.com/privet-dev/privet/notify"
)

// TemplateRenderer writes a policy change notice with the
// policy_change_notice templates of package notify: text and HTML, every
// sentence from the translation catalog. The material changes are listed
// as the policy diff words them.
type TemplateRenderer struct {
	Templates *notify.Templates
	Lang      string // "" for English
	// PublicURL is where people reach privet; the notice links to the
	// tenant's public policy announcement there. Empty leaves the link out.
	PublicURL string
}

// Render writes the notice.
func (r TemplateRenderer) Render(_ context.Context, n Notice) (notify.Message, error) {
	var changes strings.Builder
	for _, c := range n.Changes {
		changes.WriteString("- " + c.Key + ": " + c.Detail + "\n")
	}
	service := n.Service
	if service == "" {
		service = n.Controller.Name
	}
	var link string
	if r.PublicURL != "" {
		link = strings.TrimRight(r.PublicURL, "/") + "/v1/public/policy?tenant=" + url.QueryEscape(n.TenantID)
	}
	m, err := r.Templates.Render(notify.PolicyChangeNotice, r.Lang, notify.Data{
		Service:         service,
		ControllerName:  n.Controller.Name,
		ControllerEmail: n.Controller.Email,
		EffectiveAt:     n.Effective,
		NoticeText:      strings.TrimSpace(changes.String()),
		ConsentAsked:    n.ConsentAsked,
		Link:            link,
	})
	m.To = n.To
	return m, err
}
