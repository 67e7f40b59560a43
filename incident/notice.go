package incident

import (
	"context"
	"strings"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/policy"
)

// Notice is what a breach notice to one person says (GDPR Art. 34(2), with
// Art. 33(3)(b)-(d)): what happened, its likely consequences, what was done,
// what the person can do, and whom to contact.
type Notice struct {
	Incident *privet.Incident
	// Controller is who sends it; DPO is the contact point for questions.
	Controller policy.Controller
	// SubjectID is the person's id, for a renderer that links to a page.
	SubjectID string
}

// Renderer writes a notice: its email and its text message form (SMS). To
// is set by the caller.
type Renderer interface {
	Render(ctx context.Context, n Notice) (notify.Message, error)
}

// TextRenderer writes a plain-text notice in English.
type TextRenderer struct{}

// Render writes the notice.
func (TextRenderer) Render(_ context.Context, n Notice) (notify.Message, error) {
	inc := n.Incident
	var b strings.Builder
	name := n.Controller.Name
	if name == "" {
		name = "We"
	}
	b.WriteString("We are writing to tell you about a security incident that affects your personal data.\n\n")
	section := func(title, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		b.WriteString(title + "\n" + strings.TrimSpace(text) + "\n\n")
	}
	section("What happened", inc.Description)
	section("What this may mean for you", inc.Impact)
	section("What we have done", inc.Measures)
	advice := inc.Advice
	if inc.PasswordReset {
		advice = strings.TrimSpace(advice + "\nYou will be asked to choose a new password the next time you sign in.")
	}
	section("What you can do", advice)
	contact := "Contact " + name
	if n.Controller.Email != "" {
		contact += " at " + n.Controller.Email
	}
	if dpo := n.Controller.DPO; dpo != nil && dpo.Email != "" {
		contact += ", or our data protection officer at " + dpo.Email
	}
	section("Questions", contact+".")
	b.WriteString("Reference: " + inc.ID + "\n")
	// The text message: what happened and what to do, in brief.
	sms := name + ": a security incident concerns your personal data. " + notify.Short(inc.Description, 160)
	if inc.PasswordReset {
		sms += " You will be asked to choose a new password the next time you sign in."
	}
	if n.Controller.Email != "" {
		sms += " Questions: " + n.Controller.Email
	}
	sms += " Ref " + inc.ID
	return notify.Message{Subject: "Security incident: " + inc.Title, Text: b.String(), SMS: sms}, nil
}
