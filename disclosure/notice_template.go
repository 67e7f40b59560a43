package disclosure

import (
	"cmp"
	"context"

	"github.com/privet-dev/privet/notify"
)

// TemplateRenderer writes the notice with the authority_notice templates
// of package notify: text, HTML and the text message, every sentence from
// the translation catalog.
type TemplateRenderer struct {
	Templates *notify.Templates
	Lang      string // "" for English
}

// AuthorityNotice writes the notice.
func (r TemplateRenderer) AuthorityNotice(_ context.Context, n Notice) (notify.Message, error) {
	return r.Templates.Render(notify.AuthorityNotice, r.Lang, notify.Data{
		Service: cmp.Or(n.Service, n.Controller), ControllerName: n.Controller, ControllerEmail: n.PolicyContact,
		Authority: n.Authority, LegalBasis: n.LegalBasis, Reference: n.Reference, Categories: n.Categories,
		DisclosedAt: n.DisclosedAt,
	})
}
