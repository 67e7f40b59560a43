package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/notify"
)

const smsSecret = "test-secret-0123456789"

var smsNow = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

// receiver is an SMS webhook receiver that checks signatures the way the
// docs tell operators to, and records what it accepted.
type receiver struct {
	status int
	got    chan map[string]string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := notify.VerifySignature(smsSecret, r.Header.Get(notify.SignatureHeader), body, smsNow, 5*time.Minute); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var m map[string]string
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(body, &m) != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	rc.got <- m
	w.WriteHeader(rc.status)
}

func newSMSServer(t *testing.T, status int) (*httptest.Server, *receiver) {
	rc := &receiver{status: status, got: make(chan map[string]string, 1)}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return srv, rc
}

func newWebhook(t *testing.T, url, secret string) *notify.WebhookSMS {
	t.Helper()
	w, err := notify.NewWebhookSMS(url, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	return w.WithClock(privet.NewManualClock(smsNow))
}

func TestWebhookSMSSendsSignedJSON(t *testing.T) {
	for _, status := range []int{200, 202, 204} {
		srv, rc := newSMSServer(t, status)
		w := newWebhook(t, srv.URL, smsSecret)
		if err := w.SendSMS(t.Context(), "+14155550100", "Your code is 123456 ✓"); err != nil {
			t.Fatalf("status %d: SendSMS = %v", status, err)
		}
		got := <-rc.got
		if got["to"] != "+14155550100" || got["text"] != "Your code is 123456 ✓" || len(got) != 2 {
			t.Errorf("receiver got %v", got)
		}
	}
}

func TestWebhookSMSWrongSecretIsRefused(t *testing.T) {
	srv, _ := newSMSServer(t, 200)
	w := newWebhook(t, srv.URL, "another-secret-0123456789")
	err := w.SendSMS(t.Context(), "+14155550100", "hello")
	if privet.ErrorCode(err) != privet.EUNAVAILABLE || !strings.Contains(err.Error(), "401") {
		t.Fatalf("SendSMS = %v, want EUNAVAILABLE naming 401", err)
	}
}

func TestWebhookSMSNon2xxNamesTheStatusOnly(t *testing.T) {
	for _, status := range []int{301, 400, 429, 500, 503} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// A receiver that echoes the request in its error page.
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("Location", "/elsewhere")
			w.WriteHeader(status)
			_, _ = w.Write(body)
		}))
		w := newWebhook(t, srv.URL, smsSecret)
		err := w.SendSMS(t.Context(), "+14155550100", "secret text")
		srv.Close()
		if privet.ErrorCode(err) != privet.EUNAVAILABLE || !strings.Contains(err.Error(), strconv.Itoa(status)) {
			t.Errorf("status %d: SendSMS = %v", status, err)
		}
		if err != nil && (strings.Contains(err.Error(), "4155550100") || strings.Contains(err.Error(), "secret text")) {
			t.Errorf("status %d: error carries the message: %v", status, err)
		}
	}
}

func TestWebhookSMSValidates(t *testing.T) {
	tests := []struct {
		name, url, secret string
		field             string
	}{
		{"not http", "ftp://sms.example.com", smsSecret, "sms_webhook_url"},
		{"relative", "/send", smsSecret, "sms_webhook_url"},
		{"unparseable with token", "https://sms.example.com/%zz?token=tok3n", smsSecret, "sms_webhook_url"},
		{"short secret", "https://sms.example.com", "short", "sms_webhook_secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := notify.NewWebhookSMS(tt.url, tt.secret, nil)
			if privet.ErrorField(err) != tt.field {
				t.Fatalf("NewWebhookSMS = %v, want an error naming %s", err, tt.field)
			}
			if strings.Contains(err.Error(), "tok3n") || strings.Contains(err.Error(), "short") {
				t.Errorf("error repeats the input: %v", err)
			}
		})
	}

	srv, rc := newSMSServer(t, 200)
	w := newWebhook(t, srv.URL, smsSecret)
	for _, tt := range []struct {
		name, to, text, field string
	}{
		{"national number", "4155550100", "hi", "to"},
		{"letters", "+1415555CALL", "hi", "to"},
		{"empty number", "", "hi", "to"},
		{"empty text", "+14155550100", "  ", "text"},
		{"invalid utf-8", "+14155550100", "\xff", "text"},
		{"text too long", "+14155550100", strings.Repeat("é", 1601), "text"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := w.SendSMS(t.Context(), tt.to, tt.text)
			if privet.ErrorCode(err) != privet.EINVALID || privet.ErrorField(err) != tt.field {
				t.Fatalf("SendSMS = %v, want EINVALID naming %s", err, tt.field)
			}
			if tt.to != "" && strings.Contains(err.Error(), tt.to) {
				t.Errorf("error repeats the number: %v", err)
			}
		})
	}
	select {
	case m := <-rc.got:
		t.Errorf("an invalid message reached the receiver: %v", m)
	default:
	}
}

func TestWebhookSMSUnreachableHidesTheURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/send?token=tok3n"
	srv.Close() // nothing listens there any more
	w := newWebhook(t, url, smsSecret)
	err := w.SendSMS(t.Context(), "+14155550100", "hi")
	if privet.ErrorCode(err) != privet.EUNAVAILABLE || strings.Contains(err.Error(), "tok3n") {
		t.Fatalf("SendSMS = %v, want EUNAVAILABLE without the URL", err)
	}
}

func TestWebhookSMSHonoursTheContext(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		close(entered)
		<-release // holds the answer until the test is over
	}))
	t.Cleanup(srv.Close)
	defer close(release)
	w := newWebhook(t, srv.URL, smsSecret)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.SendSMS(ctx, "+14155550100", "hi") }()
	<-entered
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("SendSMS = %v, want context.Canceled", err)
	}
}

func TestVerifySignature(t *testing.T) {
	body := []byte(`{"to":"+14155550100","text":"hi"}`)
	good := notify.Sign(smsSecret, smsNow, body)
	other := notify.Sign("old-secret-0123456789", smsNow, body)
	v1 := good[strings.Index(good, "v1="):]
	tests := []struct {
		name    string
		secret  string
		header  string
		body    []byte
		now     time.Time
		wantErr string // "" for valid
	}{
		{"valid", smsSecret, good, body, smsNow, ""},
		{"valid within tolerance", smsSecret, good, body, smsNow.Add(5 * time.Minute), ""},
		{"valid from a clock slightly behind", smsSecret, good, body, smsNow.Add(-5 * time.Minute), ""},
		{"spaces after commas", smsSecret, strings.ReplaceAll(good, ",", ", "), body, smsNow, ""},
		{"rotation: old and new signature", smsSecret, other + "," + v1, body, smsNow, ""},
		{"unknown scheme ignored", smsSecret, good + ",v0=abc", body, smsNow, ""},
		{"replayed later", smsSecret, good, body, smsNow.Add(5*time.Minute + time.Second), "tolerance"},
		{"from the future", smsSecret, good, body, smsNow.Add(-6 * time.Minute), "tolerance"},
		{"body changed", smsSecret, good, []byte(`{"to":"+14155550199","text":"hi"}`), smsNow, "does not match"},
		{"wrong secret", "wrong-secret-0123456789", good, body, smsNow, "does not match"},
		{"timestamp changed", smsSecret, strings.Replace(good, "t=", "t=1", 1), body, smsNow, "tolerance"},
		{"empty", smsSecret, "", body, smsNow, "malformed"},
		{"no signature", smsSecret, "t=1772357400", body, smsNow, "needs"},
		{"no timestamp", smsSecret, v1, body, smsNow, "needs"},
		{"two timestamps", smsSecret, "t=1," + good, body, smsNow, "two timestamps"},
		{"short signature", smsSecret, "t=1772357400,v1=abcd", body, smsNow, "malformed"},
		{"not hex", smsSecret, "t=1772357400,v1=" + strings.Repeat("z", 64), body, smsNow, "malformed"},
		{"negative time", smsSecret, "t=-5," + v1, body, smsNow, "timestamp malformed"},
		{"huge time", smsSecret, "t=9223372036854775807," + v1, body, smsNow, "tolerance"},
		{"too long", smsSecret, good + "," + strings.Repeat("x=y,", 2000), body, smsNow, "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := notify.VerifySignature(tt.secret, tt.header, tt.body, tt.now, 5*time.Minute)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("VerifySignature = %v, want nil", err)
				}
				return
			}
			if privet.ErrorCode(err) != privet.EUNAUTHORIZED || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("VerifySignature = %v, want EUNAUTHORIZED containing %q", err, tt.wantErr)
			}
		})
	}
}

func FuzzVerifySignature(f *testing.F) {
	body := []byte(`{"to":"+14155550100","text":"hi"}`)
	f.Add(notify.Sign(smsSecret, smsNow, body), body)
	f.Add("t=1,v1=00", []byte{})
	f.Add("t=,v1=,=,,", []byte("x"))
	f.Add(" t=1772357400 , v1="+strings.Repeat("ab", 32), []byte("x"))
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		// Any header: no panic, and success only when the header carries
		// the signature of body under its own timestamp, computed here
		// independently.
		if notify.VerifySignature(smsSecret, header, body, smsNow, time.Hour) == nil && !carriesSignature(header, body) {
			t.Fatalf("VerifySignature accepted %q", header)
		}
		// Whatever the body, what Sign makes, VerifySignature accepts.
		if err := notify.VerifySignature(smsSecret, notify.Sign(smsSecret, smsNow, body), body, smsNow, 0); err != nil {
			t.Fatalf("own signature refused: %v", err)
		}
	})
}

func carriesSignature(header string, body []byte) bool {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, strings.ToLower(v))
		}
	}
	h := hmac.New(sha256.New, []byte(smsSecret))
	h.Write([]byte(ts + "."))
	h.Write(body)
	return slices.Contains(sigs, hex.EncodeToString(h.Sum(nil)))
}

// The example in docs/notifications.md, so receivers written from the docs
// and this code agree on the format.
func TestSignKnownAnswer(t *testing.T) {
	got := notify.Sign("example-secret-0123456789", time.Unix(1772357400, 0), []byte(`{"to":"+14155550100","text":"Your code is 482913"}`))
	want := "t=1772357400,v1=723fd307359a38a3a4284e868d134506cbbebbdc736636bf83c063fe9381d5d3"
	if got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}
