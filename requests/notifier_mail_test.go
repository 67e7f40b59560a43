package requests_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/vault"
)

// outbox records what the notifier sends.
type outbox struct {
	mail []notify.Message
	sms  []string // "to: text"
	fail error
}

func (o *outbox) Send(_ context.Context, m notify.Message) error {
	if o.fail != nil {
		return o.fail
	}
	o.mail = append(o.mail, m)
	return nil
}

func (o *outbox) SendSMS(_ context.Context, to, text string) error {
	if o.fail != nil {
		return o.fail
	}
	o.sms = append(o.sms, to+": "+text)
	return nil
}

// fixedLinks signs every package with the same token.
type fixedLinks struct{ expires time.Time }

func (l fixedLinks) DownloadToken(_ context.Context, tenantID, packageID string) (string, time.Time, error) {
	if packageID == "pkg_gone" {
		return "", time.Time{}, privet.Errorf(privet.ENOTFOUND, "package not found")
	}
	return "tok-" + packageID, l.expires, nil
}

func TestMailNotifier(t *testing.T) {
	templates, err := notify.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	base := func(template string, extra map[string]string) requests.Notice {
		v := map[string]string{"request_id": "req_1", "type": "access", "status_token": "st-1",
			"received_at": now.Format(time.RFC3339), "due_at": now.AddDate(0, 1, 0).Format(time.RFC3339),
			"controller": "Acme Ltd", "controller_email": "privacy@acme.example", "service": "Acme"}
		for k, x := range extra {
			v[k] = x
		}
		return requests.Notice{TenantID: "ten_1", RequestID: "req_1", Template: template,
			ContactType: privet.IdentityEmail, Contact: "ada@example.com", Vars: v}
	}
	tests := []struct {
		name     string
		notice   requests.Notice
		noSMS    bool
		fail     error
		wantCode string
		// want are strings the message (or text message) must hold.
		want []string
		sms  bool
	}{
		{name: "verify", notice: base(requests.TemplateVerify, map[string]string{"code": "493817",
			"code_expires_at": now.Add(15 * time.Minute).Format(time.RFC3339)}),
			want: []string{"493817", "15 minutes", "https://privacy.acme.example/v1/public/requests/status/st-1"}},
		{name: "received", notice: base(requests.TemplateReceived, nil),
			want: []string{"April 1, 2026", "req_1"}},
		{name: "extended", notice: base(requests.TemplateExtended, map[string]string{"extended_to": now.AddDate(0, 3, 0).Format(time.RFC3339),
			"extension_reason": "many requests at once"}), want: []string{"June 1, 2026", "many requests at once"}},
		{name: "completed", notice: base(requests.TemplateCompleted, map[string]string{"package_id": "pkg_1"}),
			want: []string{"https://privacy.acme.example/v1/public/packages/tok-pkg_1"}},
		{name: "completed with findings", notice: base(requests.TemplateCompleted, map[string]string{"type": "know",
			"findings": "user.name; from: subject\nStripe (processor): user.financial"}),
			want: []string{"What we found:", "- user.name; from: subject", "- Stripe (processor): user.financial"}},
		{name: "completed finding nothing", notice: base(requests.TemplateCompleted, map[string]string{"type": "shine_the_light",
			"findings_none": "true"}), want: []string{"We found nothing to report"}},
		{name: "denied with appeal", notice: base(requests.TemplateDenied, map[string]string{"deny_reason": "excessive",
			"deny_message": "The request is manifestly unfounded or excessive.", "appeal": "true", "complaint": "the Attorney General"}),
			want: []string{"manifestly unfounded", "You may appeal this decision: write to privacy@acme.example", "the Attorney General"}},
		{name: "routed", notice: base(requests.TemplateRouted, map[string]string{"client_name": "Client Corp"}),
			want: []string{"Client Corp"}},
		{name: "by text message", notice: func() requests.Notice {
			n := base(requests.TemplateVerify, map[string]string{"code": "112233"})
			n.ContactType, n.Contact = privet.IdentityPhone, "+4915123456789"
			return n
		}(), sms: true, want: []string{"+4915123456789: ", "112233"}},
		{name: "no SMS sender", noSMS: true, notice: func() requests.Notice {
			n := base(requests.TemplateVerify, map[string]string{"code": "112233"})
			n.ContactType, n.Contact = privet.IdentityPhone, "+4915123456789"
			return n
		}(), wantCode: privet.EUNAVAILABLE},
		{name: "package gone", notice: base(requests.TemplateCompleted, map[string]string{"package_id": "pkg_gone"}), wantCode: privet.ENOTFOUND},
		{name: "bad date", notice: base(requests.TemplateReceived, map[string]string{"due_at": "soon"}), wantCode: privet.EINVALID},
		{name: "unknown template", notice: base("request_party", nil), wantCode: privet.EINVALID},
		{name: "app request without a subject", notice: func() requests.Notice {
			n := base(requests.TemplateReceived, nil)
			n.ContactType, n.Contact = "", ""
			return n
		}(), wantCode: privet.EINVALID},
		{name: "server refuses", notice: base(requests.TemplateReceived, nil), fail: errors.New("550 no such user ada@example.com"),
			wantCode: privet.EUNAVAILABLE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			box := &outbox{fail: tt.fail}
			n := &requests.MailNotifier{Templates: templates, Mail: box, SMS: box, Packages: fixedLinks{expires: now.AddDate(0, 0, 30)},
				PublicURL: "https://privacy.acme.example/", Clock: privet.NewManualClock(now)}
			if tt.noSMS {
				n.SMS = nil
			}
			err := n.Notify(context.Background(), tt.notice)
			if tt.wantCode != "" {
				if privet.ErrorCode(err) != tt.wantCode {
					t.Fatalf("Notify = %v, want %s", err, tt.wantCode)
				}
				if strings.Contains(err.Error(), "ada@example.com") || strings.Contains(err.Error(), "+49") {
					t.Errorf("the error shows the address: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got string
			switch {
			case tt.sms:
				if len(box.sms) != 1 || len(box.mail) != 0 {
					t.Fatalf("sent %d texts and %d emails, want one text", len(box.sms), len(box.mail))
				}
				got = box.sms[0]
			default:
				if len(box.mail) != 1 || box.mail[0].To != "ada@example.com" || box.mail[0].HTML == "" {
					t.Fatalf("sent %+v, want one email to the contact", box.mail)
				}
				got = box.mail[0].Subject + "\n" + box.mail[0].Text
				id := box.mail[0].Headers["Message-ID"]
				if tt.notice.Template == requests.TemplateVerify && id != "" {
					t.Errorf("a code's email has the fixed Message-ID %q: a new code would be folded into the old", id)
				} else if tt.notice.Template != requests.TemplateVerify && id != "<req_1."+tt.notice.Template+"@privet.invalid>" {
					t.Errorf("Message-ID = %q, want one per request and template", id)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("the message lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

// TestMailNotifierAppFiled: a request filed by the app has no contact; the
// notice goes to the subject's email read from the vault for a notice, and
// once the subject is erased there is nobody to tell.
func TestMailNotifierAppFiled(t *testing.T) {
	e := newEnv(t, "cipo-cloud")
	ctx := context.Background()
	templates, err := notify.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	sub := e.subject(t, "DE", "app.user@example.com")
	box := &outbox{}
	n := &requests.MailNotifier{Templates: templates, Mail: box, Vault: e.vault, Policies: vault.StaticPolicy{Compiled: e.pol},
		PublicURL: "https://privacy.example.com", Clock: e.clock}
	notice := requests.Notice{TenantID: e.tenant, RequestID: "req_app", SubjectID: sub, Template: requests.TemplateReceived,
		Vars: map[string]string{"type": "access", "received_at": start.Format(time.RFC3339)}}
	if err := n.Notify(ctx, notice); err != nil {
		t.Fatal(err)
	}
	if len(box.mail) != 1 || box.mail[0].To != "app.user@example.com" {
		t.Fatalf("sent %+v, want one email to the subject's address", box.mail)
	}
	var evs []*privet.AuditEvent
	if err := e.store.View(ctx, func(tx privet.Tx) (err error) {
		evs, err = tx.AuditEvents(ctx, e.tenant, privet.AuditQuery{SubjectID: sub, Action: "subject.read"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || !slices.Contains(vault.NoticePurposes, evs[0].Purpose) {
		t.Fatalf("the address read is not audited under a notice purpose: %+v", evs)
	}
	if err := e.vault.Erase(ctx, e.actor, e.tenant, sub); err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(ctx, notice); err != nil || len(box.mail) != 1 {
		t.Fatalf("after the erasure: %v, %d emails, want the notice dropped", err, len(box.mail))
	}
}
