package requests

import (
	"cmp"
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/privet-dev/privet"
	notification "github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/vault"
)

// DefaultLanguage is the language of notices; requests carry none yet.
const DefaultLanguage = "en"

// Public paths the links in notices lead to, under MailNotifier.PublicURL.
const (
	StatusPath   = "/v1/public/requests/status/"
	DownloadPath = "/v1/public/packages/"
)

// PackageLinks signs the download link of a package; *export.Packages is
// one.
type PackageLinks interface {
	DownloadToken(ctx context.Context, tenantID, packageID string) (token string, expires time.Time, err error)
}

// MailNotifier sends notices by email through the notify templates, and by
// text message to a phone contact when an SMS sender is configured. A
// request filed by the app (no contact of its own) is answered at the
// subject's email address, read through the vault under the notice purpose
// the policy allows (vault.NoticePurpose). It never logs a notice: its
// variables hold the code and the links, its address is personal data.
type MailNotifier struct {
	Templates *notification.Templates
	Mail      notification.Sender
	// SMS sends the text part to phone contacts; nil fails those notices
	// (EUNAVAILABLE, retried by the job) until one is configured.
	SMS notification.SMSSender
	// Packages signs the download link of a completed access request.
	Packages PackageLinks
	// Vault and Policies find the email address of an app-filed request's
	// subject; NoticePurpose overrides the purpose it is read under.
	Vault         *vault.Service
	Policies      vault.Policies
	NoticePurpose string
	// PublicURL is where people reach privet (https://privacy.example.com):
	// the status and download links start with it.
	PublicURL string
	Clock     privet.Clock
}

var _ Notifier = (*MailNotifier)(nil)

// noticeActor is the actor of the address reads notices need.
var noticeActor = privet.Actor{Type: privet.ActorSystem, ID: "requests.notify"}

// Notify renders and sends one notice. An app-filed request's notice about
// a subject since erased is dropped: nobody is left to tell. EINVALID for a
// notice the templates cannot render or a subject with no email address,
// EFORBIDDEN for a subject restricted against the notice purpose (retrying
// helps with none of these); EUNAVAILABLE when the
// channel it needs is not configured or the server refused the message.
// Errors name what failed, never the address or the variables.
func (m *MailNotifier) Notify(ctx context.Context, n Notice) error {
	if m.Templates == nil {
		return privet.Errorf(privet.EUNAVAILABLE, "no notice templates are loaded")
	}
	data, err := m.data(ctx, n)
	if err != nil {
		return err
	}
	msg, err := m.Templates.Render(n.Template, cmp.Or(n.Vars["lang"], DefaultLanguage), data)
	if err != nil {
		return err
	}
	typ, to := n.ContactType, n.Contact
	if to == "" {
		typ, to, err = m.subjectEmail(ctx, n)
		if errors.Is(err, privet.ErrNotFound) {
			return nil // the subject is erased: there is nobody left to tell
		} else if err != nil {
			return err
		}
	}
	switch typ {
	case privet.IdentityEmail:
		if m.Mail == nil {
			return privet.Errorf(privet.EUNAVAILABLE, "no email sender is configured")
		}
		msg.To = to
		if n.Template != TemplateVerify {
			// One id for every retry of this notice: mail systems fold the
			// repeat a crash after the server's acceptance can cause. Not
			// for codes: each new code is a message of its own.
			msg.Headers = map[string]string{"Message-ID": "<" + n.RequestID + "." + n.Template + "@privet.invalid>"}
		}
		return notification.Refusal(m.Mail.Send(ctx, msg), "the mail server", n.Template)
	case privet.IdentityPhone:
		if m.SMS == nil {
			return privet.Errorf(privet.EUNAVAILABLE, "no text message sender is configured")
		}
		return notification.Refusal(m.SMS.SendSMS(ctx, to, msg.Text), "the text message gateway", n.Template)
	}
	return privet.FieldError("contact_type", "notices go by email or text message")
}

// subjectEmail reads the email address of the request's subject.
func (m *MailNotifier) subjectEmail(ctx context.Context, n Notice) (privet.IdentityType, string, error) {
	if n.SubjectID == "" || m.Vault == nil || m.Policies == nil {
		return "", "", privet.FieldError("contact", "the request has no address to write to")
	}
	pol, err := m.Policies.Policy(ctx, n.TenantID)
	if err != nil {
		return "", "", err
	}
	purpose, err := vault.NoticePurpose(pol, m.NoticePurpose)
	if err != nil {
		return "", "", err
	}
	v, err := m.Vault.Get(ctx, noticeActor, n.TenantID, n.SubjectID, vault.ReadOptions{Purpose: purpose})
	if err != nil {
		return "", "", err
	}
	to := vault.EmailOf(v)
	if to == "" {
		return "", "", privet.FieldError("contact", "the subject has no email address")
	}
	return privet.IdentityEmail, to, nil
}

// data maps a notice's variables to the templates' data.
func (m *MailNotifier) data(ctx context.Context, n Notice) (notification.Data, error) {
	v := n.Vars
	d := notification.Data{RequestID: n.RequestID, RequestType: v["type"], Service: v["service"], ControllerName: v["controller"],
		ControllerEmail: v["controller_email"], Code: v["code"], Handler: v["client_name"]}
	d.Service = cmp.Or(d.Service, d.ControllerName)
	for name, to := range map[string]*time.Time{"received_at": &d.ReceivedAt, "due_at": &d.DueAt, "extended_to": &d.ExtendedTo} {
		if s := v[name]; s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return d, privet.FieldError(name, "is not a time")
			}
			*to = t
		}
	}
	if s := v["code_expires_at"]; s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return d, privet.FieldError("code_expires_at", "is not a time")
		}
		// Whole minutes: "15 minutes", not "14 minutes 59 seconds".
		d.CodeExpiresIn = max(t.Sub(m.now()).Round(time.Minute), time.Minute)
	}
	if f := v["findings"]; f != "" {
		d.Findings = strings.Split(f, "\n")
	}
	d.FindingsNone = v["findings_none"] == "true"
	if e := v["erased"]; e != "" {
		d.Erased = strings.Split(e, "\n")
	}
	d.SentTo, d.Fee = v["sent_to"], v["fee"]
	switch n.Template {
	case TemplateExtended:
		d.Reason = v["extension_reason"]
	case TemplateDenied:
		d.Reason = cmp.Or(v["deny_message"], v["deny_reason"])
		if v["appeal"] == "true" {
			d.AppealInfo = "You may appeal this decision: write to " + cmp.Or(d.ControllerEmail, d.ControllerName) +
				" and quote the reference below."
		}
		d.ComplaintInfo = v["complaint"]
	case TemplateFee:
		d.Reason = cmp.Or(v["fee_message"], v["fee_reason"])
	}
	switch n.Template {
	case TemplateReceived, TemplateVerify, TemplateExtended, TemplateDenied, TemplateFee:
		if tok := v["status_token"]; tok != "" && m.PublicURL != "" {
			d.Link = m.link(StatusPath, tok)
		}
	case TemplateCompleted, TemplatePorted:
		if id := v["package_id"]; id != "" {
			if m.Packages == nil || m.PublicURL == "" {
				return d, privet.Errorf(privet.EUNAVAILABLE, "download links need the packages and a public URL")
			}
			tok, exp, err := m.Packages.DownloadToken(ctx, n.TenantID, id)
			if err != nil {
				return d, err
			}
			d.Link, d.LinkExpiresAt = m.link(DownloadPath, tok), exp
		}
	}
	return d, nil
}

func (m *MailNotifier) link(path, token string) string {
	return strings.TrimRight(m.PublicURL, "/") + path + url.PathEscape(token)
}

func (m *MailNotifier) now() time.Time { return privet.ClockOr(m.Clock).Now() }
