package notifytest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/privet-dev/privet/notify"
)

// SMS is one text message the webhook receiver accepted.
type SMS struct {
	To   string `json:"to"`
	Text string `json:"text"`
}

// SMSServer is an SMS webhook receiver on 127.0.0.1: it checks each
// request's Privet-Signature the way the docs tell operators to (against
// the system clock, five minutes either side), answers 401 to a request
// that fails and 204 to one that passes, and keeps what it accepted. It is
// closed when the test ends.
type SMSServer struct {
	srv    *httptest.Server
	secret string

	inbox   inbox[SMS]
	mu      sync.Mutex // guards refused
	refused int
}

// NewSMSServer starts a receiver checking signatures with secret (at least
// 16 characters, as privet requires).
func NewSMSServer(t testing.TB, secret string) *SMSServer {
	t.Helper()
	s := &SMSServer{secret: secret}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is where privet posts (--sms-webhook-url).
func (s *SMSServer) URL() string { return s.srv.URL + "/sms" }

// Secret is the signing secret (--sms-webhook-secret).
func (s *SMSServer) Secret() string { return s.secret }

// Messages returns the messages accepted so far, oldest first.
func (s *SMSServer) Messages() []SMS { return s.inbox.all() }

// Refused is the number of requests refused for a bad signature or body.
func (s *SMSServer) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// WaitFor blocks until at least n messages have arrived, and returns them,
// or returns ctx's error.
func (s *SMSServer) WaitFor(ctx context.Context, n int) ([]SMS, error) {
	return s.inbox.waitFor(ctx, n, "text messages")
}

func (s *SMSServer) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var m SMS
	switch {
	case err != nil || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json":
		err = fmt.Errorf("not a JSON POST")
	default:
		if err = notify.VerifySignature(s.secret, r.Header.Get(notify.SignatureHeader), body, time.Now(), 5*time.Minute); err == nil {
			err = json.Unmarshal(body, &m)
		}
	}
	if err != nil || m.To == "" || m.Text == "" {
		s.mu.Lock()
		s.refused++
		s.mu.Unlock()
		http.Error(w, "refused", http.StatusUnauthorized)
		return
	}
	s.inbox.add(m)
	w.WriteHeader(http.StatusNoContent)
}
