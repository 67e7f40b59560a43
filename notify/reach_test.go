package notify_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/notify/notifytest"
	"github.com/privet-dev/privet/privettest"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// legal is the Kipsu policy's purpose that may read email addresses and
// phone numbers, under which notices are sent.
const legal = "essential.legal_obligation"

var noticeActor = privet.Actor{Type: privet.ActorSystem, ID: "test.notice"}

// reachEnv is a vault on a real store, a real SMTP server and a real SMS
// webhook receiver.
type reachEnv struct {
	svc     *privettest.Services
	tenant  string
	other   string
	mail    *notifytest.Server
	sms     *notifytest.SMSServer
	reacher *notify.Reacher
}

func newReachEnv(t *testing.T, engine string) *reachEnv {
	t.Helper()
	e := &reachEnv{svc: privettest.NewOn(t, engine, "kipsu"), mail: notifytest.NewServer(t), sms: notifytest.NewSMSServer(t, smsSecret)}
	for _, p := range []*string{&e.tenant, &e.other} {
		ten, err := e.svc.Tenancy.CreateTenant(t.Context(), "T")
		if err != nil {
			t.Fatal(err)
		}
		*p = ten.ID
	}
	mail, err := notify.NewSMTP(e.mail.URL(), "privacy@kipsu.example")
	if err != nil {
		t.Fatal(err)
	}
	sms, err := notify.NewWebhookSMS(e.sms.URL(), smsSecret, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.reacher = &notify.Reacher{Contacts: e.svc.Vault, Mail: mail, SMS: sms}
	return e
}

func (e *reachEnv) person(t *testing.T, ids []vault.IdentityInput, fields ...vault.FieldInput) string {
	t.Helper()
	v, err := e.svc.Vault.Create(t.Context(), tenancy.Operator(), e.tenant, vault.CreateInput{Jurisdiction: "US-MN", Identities: ids, Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

var notice = notify.Message{Subject: "We disclosed your data", Text: "The long form of the notice.\n", SMS: "The short form of the notice."}

// TestReachChoosesTheChannel: email when the person has an address, a text
// message to the phone number when that is all there is, and nobody when
// there is neither, on each engine.
func TestReachChoosesTheChannel(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newReachEnv(t, engine)
			ctx := t.Context()
			both := e.person(t, []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "both@example.com"}, {Type: privet.IdentityPhone, Value: "+16125550101"}})
			phone := e.person(t, []vault.IdentityInput{{Type: privet.IdentityPhone, Value: "+1 612 555 0102"}})
			phoneField := e.person(t, []vault.IdentityInput{{Type: privet.IdentityCookieID, Value: "guest-103"}}, vault.FieldInput{Name: "mobile", Category: vault.PhoneCategory, Value: "+1 612 555 0103"})
			nothing := e.person(t, []vault.IdentityInput{{Type: privet.IdentityCookieID, Value: "guest-104"}}, vault.FieldInput{Name: "name", Category: "user.name", Value: "Nobody"})

			if ch, err := e.reacher.Reach(ctx, noticeActor, e.tenant, both, legal, notice); err != nil || ch != privet.ChannelEmail {
				t.Fatalf("email and phone: %q, %v; want email", ch, err)
			}
			got, err := e.mail.WaitFor(ctx, 1)
			if err != nil || got[0].To[0] != "both@example.com" || got[0].Subject != notice.Subject {
				t.Fatalf("email: %+v, %v", got, err)
			}
			for id, number := range map[string]string{phone: "+16125550102", phoneField: "+16125550103"} {
				n := len(e.sms.Messages())
				if ch, err := e.reacher.Reach(ctx, noticeActor, e.tenant, id, legal, notice); err != nil || ch != privet.ChannelSMS {
					t.Fatalf("phone only: %q, %v; want sms", ch, err)
				}
				texts, err := e.sms.WaitFor(ctx, n+1)
				if err != nil || texts[n].To != number || texts[n].Text != notice.SMS {
					t.Fatalf("text message: %+v, %v; want the short form to %s", texts, err, number)
				}
			}
			if ch, err := e.reacher.Reach(ctx, noticeActor, e.tenant, nothing, legal, notice); err != nil || ch != privet.ChannelNone {
				t.Fatalf("no address: %q, %v; want none", ch, err)
			}
			// Another tenant's subject, an erased one, and a purpose that may
			// read neither address reach nobody.
			if ch, err := e.reacher.Reach(ctx, noticeActor, e.other, phone, legal, notice); err != nil || ch != privet.ChannelNone {
				t.Fatalf("another tenant's subject: %q, %v", ch, err)
			}
			if ch, err := e.reacher.Reach(ctx, noticeActor, e.tenant, both, "essential.service.payment_processing", notice); err != nil || ch != privet.ChannelEmail {
				t.Fatalf("a purpose reading email only: %q, %v", ch, err)
			}
			if ch, err := e.reacher.Reach(ctx, noticeActor, e.tenant, phone, "essential.service.payment_processing", notice); err != nil || ch != privet.ChannelNone {
				t.Fatalf("a purpose that may not read phone numbers: %q, %v", ch, err)
			}
			if err := e.svc.Vault.Erase(ctx, tenancy.Operator(), e.tenant, phoneField); err != nil {
				t.Fatal(err)
			}
			if ch, err := e.reacher.Reach(ctx, noticeActor, e.tenant, phoneField, legal, notice); err != nil || ch != privet.ChannelNone {
				t.Fatalf("erased: %q, %v", ch, err)
			}
			if n, m := len(e.sms.Messages()), len(e.mail.Messages()); n != 2 || m != 2 || e.sms.Refused() != 0 {
				t.Fatalf("%d texts and %d emails sent (%d refused), want 2 and 2", n, m, e.sms.Refused())
			}

			// Without an email sender, a person with both is texted; without an
			// SMS sender, a person with a phone only waits for one.
			noMail := &notify.Reacher{Contacts: e.svc.Vault, SMS: e.reacher.SMS}
			if ch, err := noMail.Reach(ctx, noticeActor, e.tenant, both, legal, notice); err != nil || ch != privet.ChannelSMS {
				t.Fatalf("no mail sender: %q, %v; want sms", ch, err)
			}
			if texts, err := e.sms.WaitFor(ctx, 3); err != nil || texts[2].To != "+16125550101" {
				t.Fatalf("text without a mail sender: %+v, %v", texts, err)
			}
			noSMS := &notify.Reacher{Contacts: e.svc.Vault, Mail: e.reacher.Mail}
			if _, err := noSMS.Reach(ctx, noticeActor, e.tenant, phone, legal, notice); !errors.Is(err, notify.ErrNoSender) {
				t.Fatalf("no SMS sender: %v, want ErrNoSender", err)
			}
			// A notice without a text message form is a bug, not a send.
			long := notice
			long.SMS = ""
			if _, err := e.reacher.Reach(ctx, noticeActor, e.tenant, phone, legal, long); privet.ErrorField(err) != "sms" {
				t.Fatalf("no text message form: %v", err)
			}
		})
	}
}

// A gateway that refuses is EUNAVAILABLE (the job retries), and the error
// carries neither the number nor the text.
func TestReachRefusedHidesTheMessage(t *testing.T) {
	e := newReachEnv(t, "sqlite")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	t.Cleanup(srv.Close)
	sms, err := notify.NewWebhookSMS(srv.URL, smsSecret, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.reacher.SMS = sms.WithClock(privet.NewManualClock(time.Now()))
	phone := e.person(t, []vault.IdentityInput{{Type: privet.IdentityPhone, Value: "+16125550104"}})
	_, err = e.reacher.Reach(context.Background(), noticeActor, e.tenant, phone, legal, notice)
	if privet.ErrorCode(err) != privet.EUNAVAILABLE || strings.Contains(err.Error(), "5550104") || strings.Contains(err.Error(), "short form") {
		t.Fatalf("Reach = %v, want EUNAVAILABLE without the number or text", err)
	}
}

// Short never exceeds its bound, never splits a character, and leaves short
// text as it is (on one line).
func FuzzShort(f *testing.F) {
	for _, s := range []string{"", "A misconfigured backup exposed numbers.", strings.Repeat("ab ", 200), "日本語のテキスト", "a\nb\tc"} {
		f.Add(s, 40)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 2 || n > 2000 {
			return
		}
		got := notify.Short(s, n)
		if utf8.RuneCountInString(got) > n || (utf8.ValidString(s) && !utf8.ValidString(got)) || strings.ContainsAny(got, "\n\t") {
			t.Fatalf("Short(%q, %d) = %q", s, n, got)
		}
		if one := strings.Join(strings.Fields(s), " "); utf8.RuneCountInString(one) <= n && got != one {
			t.Fatalf("Short(%q, %d) = %q, want it unchanged", s, n, got)
		}
	})
}
