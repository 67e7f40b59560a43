package notify_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/notify/notifytest"
)

func TestNewSMTPValidates(t *testing.T) {
	tests := []struct {
		name, url, from string
		wantField       string // "" for valid
	}{
		{"plain", "smtp://mail.example.com", "privet@example.com", ""},
		{"with credentials and port", "smtp://user:p%40ss@mail.example.com:2525", "Privacy <privacy@example.com>", ""},
		{"implicit tls", "smtps://user:pw@mail.example.com", "privet@example.com", ""},
		{"starttls mandatory", "smtp://mail.example.com?tls=mandatory", "privet@example.com", ""},
		{"starttls opportunistic", "smtp://mail.example.com?tls=starttls", "privet@example.com", ""},
		{"no tls", "smtp://127.0.0.1:25?tls=none", "privet@example.com", ""},
		{"ipv6", "smtp://[::1]:25", "privet@example.com", ""},
		{"wrong scheme", "http://mail.example.com", "privet@example.com", "smtp_url"},
		{"no host", "smtp://", "privet@example.com", "smtp_url"},
		{"opaque", "smtp:mail.example.com", "privet@example.com", "smtp_url"},
		{"not a url", "smtp://user:se cret@%zz", "privet@example.com", "smtp_url"},
		{"port zero", "smtp://mail.example.com:0", "privet@example.com", "smtp_url"},
		{"port too big", "smtp://mail.example.com:70000", "privet@example.com", "smtp_url"},
		{"path", "smtp://mail.example.com/x", "privet@example.com", "smtp_url"},
		{"unknown tls", "smtp://mail.example.com?tls=maybe", "privet@example.com", "smtp_url"},
		{"unknown query", "smtp://mail.example.com?auth=plain", "privet@example.com", "smtp_url"},
		{"tls on smtps", "smtps://mail.example.com?tls=none", "privet@example.com", "smtp_url"},
		{"password without user", "smtp://:pw@mail.example.com", "privet@example.com", "smtp_url"},
		{"from empty", "smtp://mail.example.com", "", "from"},
		{"from no at", "smtp://mail.example.com", "privet", "from"},
		{"from header injection", "smtp://mail.example.com", "a@example.com\r\nBcc: x@example.com", "from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := notify.NewSMTP(tt.url, tt.from)
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("NewSMTP = %v, want nil", err)
				}
				return
			}
			if privet.ErrorCode(err) != privet.EINVALID || privet.ErrorField(err) != tt.wantField {
				t.Fatalf("NewSMTP = %v, want EINVALID naming %s", err, tt.wantField)
			}
		})
	}
}

func TestNewSMTPErrorsNeverShowThePassword(t *testing.T) {
	for _, raw := range []string{
		"smtp://user:hunter2@%zz",
		"smtp://user:hunter2@mail.example.com:99999",
		"smtp://user:hunter2@mail.example.com?tls=hunter2",
		"ftp://user:hunter2@mail.example.com",
		"smtp://user:hunter2@mail.example.com?hunter2=1",
	} {
		_, err := notify.NewSMTP(raw, "privet@example.com")
		if err == nil {
			t.Fatalf("NewSMTP(%q) = nil, want an error", raw)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("NewSMTP error shows the password: %v", err)
		}
	}
}

func newSMTP(t testing.TB, srv *notifytest.Server) *notify.SMTP {
	t.Helper()
	s, err := notify.NewSMTP(srv.URL(), "Privacy Team <privacy@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	return s.WithClock(privet.NewManualClock(time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)))
}

func TestSMTPSendEndToEnd(t *testing.T) {
	srv := notifytest.NewServer(t)
	s := newSMTP(t, srv)
	ctx := t.Context()
	err := s.Send(ctx, notify.Message{
		To:      "ada@example.org",
		Subject: "Votre demande d'accès — 受付済み ✓",
		Text:    "Hello Ada,\nyour request is in. Ünïcödé survives.\n",
		HTML:    "<p>Hello <b>Ada</b>, your request is in. Ünïcödé survives.</p>",
		Headers: map[string]string{
			"List-Unsubscribe":      "<https://privet.example.com/u/tok>",
			"list-unsubscribe-post": "List-Unsubscribe=One-Click",
		},
	})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	// Send returned, so the server has the message already: no waiting.
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server has %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.From != "privacy@example.com" || len(m.To) != 1 || m.To[0] != "ada@example.org" {
		t.Errorf("envelope = %q -> %q", m.From, m.To)
	}
	if m.Subject != "Votre demande d'accès — 受付済み ✓" {
		t.Errorf("Subject = %q", m.Subject)
	}
	if m.Text != "Hello Ada,\r\nyour request is in. Ünïcödé survives.\r\n" && m.Text != "Hello Ada,\nyour request is in. Ünïcödé survives.\n" {
		t.Errorf("Text = %q", m.Text)
	}
	if !strings.Contains(m.HTML, "<b>Ada</b>") || !strings.Contains(m.HTML, "Ünïcödé") {
		t.Errorf("HTML = %q", m.HTML)
	}
	h := m.Header
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative") {
		t.Errorf("Content-Type = %q, want multipart/alternative", ct)
	}
	if got := h.Get("Date"); got != "Sun, 01 Mar 2026 09:30:00 +0000" {
		t.Errorf("Date = %q, want the clock's time", got)
	}
	if id := h.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.com>") {
		t.Errorf("Message-ID = %q, want <random@example.com>", id)
	}
	if h.Get("List-Unsubscribe") != "<https://privet.example.com/u/tok>" || h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("extra headers lost: %v", h)
	}
	if from := h.Get("From"); !strings.Contains(from, "Privacy Team") || !strings.Contains(from, "<privacy@example.com>") {
		t.Errorf("From = %q", from)
	}
	for k, v := range h {
		if strings.Contains(strings.ToLower(strings.Join(v, " ")), "go-mail") {
			t.Errorf("the mailer names itself in %s", k)
		}
	}
}

func TestSMTPSendTextOnlyIsSinglePart(t *testing.T) {
	srv := notifytest.NewServer(t)
	s := newSMTP(t, srv)
	if err := s.Send(t.Context(), notify.Message{To: "a@example.org", Subject: "s", Text: "only text"}); err != nil {
		t.Fatal(err)
	}
	m := srv.Messages()[0]
	if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || m.HTML != "" || strings.TrimSpace(m.Text) != "only text" {
		t.Errorf("Content-Type %q, text %q, html %q", ct, m.Text, m.HTML)
	}
}

func TestSMTPMessageIDsAreUnique(t *testing.T) {
	srv := notifytest.NewServer(t)
	s := newSMTP(t, srv)
	for range 3 {
		if err := s.Send(t.Context(), notify.Message{To: "a@example.org", Subject: "s", Text: "t"}); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for _, m := range srv.Messages() {
		seen[m.Header.Get("Message-Id")] = true
	}
	if len(seen) != 3 {
		t.Errorf("%d distinct Message-IDs over 3 messages", len(seen))
	}
}

// A message that may be sent again after a crash (an incident notice)
// carries the same Message-ID each time, so mail systems fold the repeat.
func TestSMTPSendKeepsAGivenMessageID(t *testing.T) {
	srv := notifytest.NewServer(t)
	s := newSMTP(t, srv)
	for range 2 {
		m := notify.Message{To: "a@example.org", Subject: "s", Text: "t",
			Headers: map[string]string{"Message-ID": "<inc_1.sub_2@privet.invalid>"}}
		if err := s.Send(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range srv.Messages() {
		if id := m.Header.Get("Message-Id"); id != "<inc_1.sub_2@privet.invalid>" {
			t.Errorf("Message-ID = %q, want the one given", id)
		}
	}
}

func TestSMTPRejectedRecipient(t *testing.T) {
	srv := notifytest.NewServer(t)
	srv.Reject("nobody@example.org")
	s := newSMTP(t, srv)
	err := s.Send(t.Context(), notify.Message{To: "nobody@example.org", Subject: "s", Text: "t"})
	var de *notify.DeliveryError
	if !errors.As(err, &de) {
		t.Fatalf("Send = %v, want a *DeliveryError", err)
	}
	if de.Stage != "recipient" || de.Code != 550 || de.Enhanced != "5.1.1" || de.Temporary {
		t.Errorf("DeliveryError = %+v, want a permanent 550 5.1.1 at the recipient", de)
	}
	if strings.Contains(err.Error(), "nobody") {
		t.Errorf("error names the recipient: %v", err)
	}
	if len(srv.Messages()) != 0 {
		t.Errorf("a message arrived")
	}
}

func TestSMTPInvalidMessage(t *testing.T) {
	srv := notifytest.NewServer(t)
	s := newSMTP(t, srv)
	ok := notify.Message{To: "a@example.org", Subject: "s", Text: "t"}
	tests := []struct {
		name  string
		edit  func(*notify.Message)
		field string
	}{
		{"no recipient", func(m *notify.Message) { m.To = "" }, "to"},
		{"recipient not an address", func(m *notify.Message) { m.To = "ada at example" }, "to"},
		{"recipient injection", func(m *notify.Message) { m.To = "a@example.org\r\nBcc: b@example.org" }, "to"},
		{"no subject", func(m *notify.Message) { m.Subject = " " }, "subject"},
		{"subject injection", func(m *notify.Message) { m.Subject = "hi\r\nBcc: b@example.org" }, "subject"},
		{"no text", func(m *notify.Message) { m.Text = "" }, "text"},
		{"header value injection", func(m *notify.Message) { m.Headers = map[string]string{"X-A": "1\r\nBcc: b@example.org"} }, "headers"},
		{"header name with colon", func(m *notify.Message) { m.Headers = map[string]string{"X-A: b": "1"} }, "headers"},
		{"header overrides From", func(m *notify.Message) { m.Headers = map[string]string{"from": "evil@example.org"} }, "headers"},
		{"header adds Bcc", func(m *notify.Message) { m.Headers = map[string]string{"BCC": "b@example.org"} }, "headers"},
		{"Message-ID without brackets", func(m *notify.Message) { m.Headers = map[string]string{"Message-ID": "a@example.org"} }, "headers"},
		{"Message-ID without domain", func(m *notify.Message) { m.Headers = map[string]string{"Message-ID": "<a@>"} }, "headers"},
		{"Message-ID with a space", func(m *notify.Message) { m.Headers = map[string]string{"message-id": "<a b@example.org>"} }, "headers"},
		{"Message-ID with two ids", func(m *notify.Message) { m.Headers = map[string]string{"Message-ID": "<a@example.org> <b@x.org>"} }, "headers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ok
			tt.edit(&m)
			err := s.Send(t.Context(), m)
			if privet.ErrorCode(err) != privet.EINVALID || privet.ErrorField(err) != tt.field {
				t.Fatalf("Send = %v, want EINVALID naming %s", err, tt.field)
			}
			if strings.Contains(err.Error(), "example.org") {
				t.Errorf("error repeats the input: %v", err)
			}
		})
	}
	if len(srv.Messages()) != 0 {
		t.Errorf("an invalid message was sent")
	}
}

func TestSMTPSendStopsWhenTheContextIsCancelled(t *testing.T) {
	srv := notifytest.NewServer(t)
	stalled := srv.Stall()
	s := newSMTP(t, srv)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Send(ctx, notify.Message{To: "a@example.org", Subject: "s", Text: "t"}) }()
	select {
	case <-stalled:
	case err := <-done:
		t.Fatalf("Send returned before the server stalled: %v", err)
	}
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Send = %v, want context.Canceled", err)
	}
	var de *notify.DeliveryError
	if !errors.As(err, &de) || !de.Temporary {
		t.Errorf("Send = %#v, want a temporary *DeliveryError", err)
	}
}

func TestSMTPSendWithCancelledContextDoesNotConnect(t *testing.T) {
	srv := notifytest.NewServer(t)
	s := newSMTP(t, srv)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.Send(ctx, notify.Message{To: "a@example.org", Subject: "s", Text: "t"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Send = %v, want context.Canceled", err)
	}
}

func TestSMTPMandatoryTLSRefusesAServerWithoutIt(t *testing.T) {
	srv := notifytest.NewServer(t)
	s, err := notify.NewSMTP("smtp://"+srv.Addr()+"?tls=mandatory", "privet@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), notify.Message{To: "a@example.org", Subject: "s", Text: "t"}); err == nil {
		t.Fatal("Send succeeded over a connection without STARTTLS")
	}
	if len(srv.Messages()) != 0 {
		t.Errorf("the message went out in the clear")
	}
}

func TestSMTPNeverSendsAPasswordInTheClear(t *testing.T) {
	// The test server offers AUTH PLAIN without TLS; a sender that took
	// the offer would put the password on the wire.
	srv := notifytest.NewServer(t)
	s, err := notify.NewSMTP("smtp://user:hunter2@"+srv.Addr()+"?tls=none", "privet@example.com")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(t.Context(), notify.Message{To: "a@example.org", Subject: "s", Text: "t"})
	if err == nil {
		t.Fatal("Send succeeded without authenticating")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error shows the password: %v", err)
	}
	var de *notify.DeliveryError
	if !errors.As(err, &de) || de.Stage != "auth" || de.Temporary {
		t.Errorf("Send = %#v, want a permanent failure at auth", err)
	}
	if n := srv.AuthAttempts(); n != 0 {
		t.Errorf("%d AUTH PLAIN exchanges over a plain connection", n)
	}
}

func TestWaitForBlocksUntilMessagesArrive(t *testing.T) {
	srv := notifytest.NewServer(t)
	s := newSMTP(t, srv)
	got := make(chan int, 1)
	go func() {
		msgs, err := srv.WaitFor(t.Context(), 2)
		if err != nil {
			got <- -1
			return
		}
		got <- len(msgs)
	}()
	for range 2 {
		if err := s.Send(t.Context(), notify.Message{To: "a@example.org", Subject: "s", Text: "t"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := <-got; n != 2 {
		t.Fatalf("WaitFor returned %d messages, want 2", n)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := srv.WaitFor(ctx, 3); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitFor on a cancelled context = %v", err)
	}
}

func FuzzNewSMTP(f *testing.F) {
	f.Add("smtp://user:pw@mail.example.com:587?tls=starttls", "privet@example.com")
	f.Add("smtps://[::1]:465", "Privacy <p@example.com>")
	f.Add("smtp://:@:0?tls=", "@")
	f.Fuzz(func(t *testing.T, raw, from string) {
		s, err := notify.NewSMTP(raw, from)
		if err != nil {
			// A field error, never one that repeats the input.
			if f := privet.ErrorField(err); f != "smtp_url" && f != "from" {
				t.Fatalf("NewSMTP = %v, want an error naming smtp_url or from", err)
			}
			if u, perr := url.Parse(raw); perr == nil && u.User != nil {
				if pw, _ := u.User.Password(); len(pw) >= 8 && strings.Contains(err.Error(), pw) {
					t.Fatalf("error repeats the password: %v", err)
				}
			}
			return
		}
		if s == nil {
			t.Fatal("nil sender without an error")
		}
	})
}

// FuzzSMTPMessageID sends any Message-ID header: it is either refused as
// invalid input or sent as given, never breaking the message's headers.
func FuzzSMTPMessageID(f *testing.F) {
	for _, id := range []string{"<a@b>", "<inc.sub@privet.invalid>", "a@b", "<a@b", "<@b>", "<a@>", "<a@b@c>", "<a b@c>", "<a@b>\r\nBcc: x@y", ""} {
		f.Add(id)
	}
	srv := notifytest.NewServer(f)
	s := newSMTP(f, srv)
	f.Fuzz(func(t *testing.T, id string) {
		n := len(srv.Messages())
		err := s.Send(t.Context(), notify.Message{To: "a@example.org", Subject: "s", Text: "t", Headers: map[string]string{"Message-ID": id}})
		if err != nil {
			if privet.ErrorCode(err) != privet.EINVALID || privet.ErrorField(err) != "headers" {
				t.Fatalf("Send(%q) = %v, want EINVALID naming headers", id, err)
			}
			return
		}
		msgs := srv.Messages()
		if len(msgs) != n+1 {
			t.Fatalf("%d messages after one send, want %d", len(msgs), n+1)
		}
		m := msgs[n]
		if got := m.Header.Get("Message-Id"); got != id || len(m.Header["Message-Id"]) != 1 || m.Header.Get("Bcc") != "" {
			t.Fatalf("Send(%q) sent Message-ID %q, headers %v", id, got, m.Header)
		}
	})
}
