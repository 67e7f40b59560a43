package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/privet-dev/privet"
)

// SignatureHeader is the header that carries a webhook request's signature.
const SignatureHeader = "Privet-Signature"

// maxSMSText bounds a text message: ten concatenated segments, more than any
// notice privet sends needs.
const maxSMSText = 1600

// e164 is an international phone number: a plus and up to fifteen digits.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// WebhookSMS is an SMSSender that POSTs each message, signed, to a URL the
// operator runs in front of their SMS provider. It is safe for concurrent use.
type WebhookSMS struct {
	url    string
	secret []byte
	client *http.Client
	clock  privet.Clock
}

var _ SMSSender = (*WebhookSMS)(nil)

// NewWebhookSMS returns a sender posting to rawURL, signing with secret. A
// nil client means one with a 30-second timeout; a client given is copied,
// and the copy never follows redirects.
func NewWebhookSMS(rawURL, secret string, client *http.Client) (*WebhookSMS, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// Not wrapped: url.Parse's error quotes the URL, which may hold a token.
		return nil, privet.FieldError("sms_webhook_url", "must be an http:// or https:// URL")
	}
	if len(secret) < 16 {
		return nil, privet.FieldError("sms_webhook_secret", "must be at least 16 characters")
	}
	c := &http.Client{Timeout: 30 * time.Second}
	if client != nil {
		cp := *client
		c = &cp
	}
	// A redirect is an answer like any non-2xx: following it would send the
	// number and the text to a URL nobody configured.
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &WebhookSMS{url: rawURL, secret: []byte(secret), client: c, clock: privet.SystemClock{}}, nil
}

// WithClock returns a copy of w that timestamps its signatures by c.
func (w *WebhookSMS) WithClock(c privet.Clock) *WebhookSMS {
	cp := *w
	cp.clock = c
	return &cp
}

// smsBody is the JSON the webhook receives.
type smsBody struct {
	To   string `json:"to"`
	Text string `json:"text"`
}

// SendSMS posts {"to", "text"} with a Privet-Signature header and returns
// once the receiver answered 2xx. to is an E.164 number (+14155550100). A
// refusal is an EUNAVAILABLE error naming the status only.
func (w *WebhookSMS) SendSMS(ctx context.Context, to, text string) error {
	if !e164.MatchString(to) {
		return privet.FieldError("to", "must be a phone number in international format (+ and digits)")
	}
	if strings.TrimSpace(text) == "" || !utf8.ValidString(text) {
		return privet.FieldError("text", "must be non-empty UTF-8 text")
	}
	if utf8.RuneCountInString(text) > maxSMSText {
		return privet.FieldError("text", "must be at most %d characters", maxSMSText)
	}
	body, err := json.Marshal(smsBody{To: to, Text: text})
	if err != nil {
		return fmt.Errorf("notify: encode sms: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return privet.Errorf(privet.EINTERNAL, "sms webhook request could not be built")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, Sign(string(w.secret), w.clock.Now(), body))
	resp, err := w.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("notify: sms webhook: %w", ctx.Err())
		}
		// A *url.Error quotes the URL, which may carry a token: not wrapped.
		return privet.Errorf(privet.EUNAVAILABLE, "sms webhook unreachable")
	}
	// Drained (a little) so the connection can be reused; never read into
	// an error, since the receiver may echo the number.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return privet.Errorf(privet.EUNAVAILABLE, "sms webhook answered %d", resp.StatusCode)
	}
	return nil
}

// Sign returns the Privet-Signature value of body at time t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>". The time
// inside the signed text stops an old request from being replayed later.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// VerifySignature checks a Privet-Signature header against body: the
// timestamp must be within tolerance of now (either side) and one of the v1
// signatures must match (several are allowed, so a receiver can accept the
// old and the new secret while rotating). Unknown schemes are ignored. The
// error is EUNAUTHORIZED and says which check failed.
func VerifySignature(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if len(header) > 4096 {
		return privet.Errorf(privet.EUNAUTHORIZED, "signature header too long")
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return privet.Errorf(privet.EUNAUTHORIZED, "signature header malformed")
		}
		switch k {
		case "t":
			if ts != "" {
				return privet.Errorf(privet.EUNAUTHORIZED, "signature header has two timestamps")
			}
			ts = v
		case "v1":
			sig, err := hex.DecodeString(v)
			if err != nil || len(sig) != sha256.Size {
				return privet.Errorf(privet.EUNAUTHORIZED, "signature header malformed")
			}
			sigs = append(sigs, sig)
		}
	}
	if ts == "" || len(sigs) == 0 {
		return privet.Errorf(privet.EUNAUTHORIZED, "signature header needs t= and v1=")
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || unix < 0 {
		return privet.Errorf(privet.EUNAUTHORIZED, "signature timestamp malformed")
	}
	// Compared in seconds so a huge timestamp cannot overflow a Duration.
	if d := now.Unix() - unix; d > int64(tolerance/time.Second) || -d > int64(tolerance/time.Second) {
		return privet.Errorf(privet.EUNAUTHORIZED, "signature timestamp outside tolerance")
	}
	want := mac(secret, ts, body)
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			return nil
		}
	}
	return privet.Errorf(privet.EUNAUTHORIZED, "signature does not match")
}
