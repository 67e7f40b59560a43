// Package notifytest runs, on the loopback interface for tests, a real SMTP
// server, which accepts every message (unless told to refuse a recipient or
// to stall) and parses it, and an SMS webhook receiver, which checks each
// request's signature; both let the test wait for what arrived without
// sleeping.
package notifytest

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message the server accepted.
type Message struct {
	From    string   // envelope sender (MAIL FROM)
	To      []string // envelope recipients (RCPT TO)
	Data    []byte   // the raw message as received
	Header  mail.Header
	Subject string // decoded from RFC 2047
	Text    string // the text/plain part, decoded
	HTML    string // the text/html part, decoded; "" if none
}

// Server is an SMTP server listening on 127.0.0.1. It is closed when the
// test ends.
type Server struct {
	srv  *smtp.Server
	addr string

	inbox   inbox[Message]
	mu      sync.Mutex
	reject  map[string]bool
	stall   chan struct{} // non-nil: DATA blocks until it is closed
	stalled chan struct{} // closed when a DATA starts blocking
	auths   int           // AUTH exchanges that reached the server
}

// NewServer starts a server and stops it at the end of t.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{reject: map[string]bool{}}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &exchange{s: s}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.EnableSMTPUTF8 = true
	s.srv.ErrorLog = discardLogger{}
	// AUTH PLAIN is offered even without TLS, so a test can prove a
	// client declines to send a password in the clear.
	s.srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("notifytest: listen: %v", err)
	}
	s.addr = l.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.srv.Serve(l)
	}()
	t.Cleanup(func() {
		s.Release()
		_ = s.srv.Close()
		// Close misses a listener Serve has not registered yet.
		_ = l.Close()
		<-done
	})
	return s
}

// URL is the smtp:// URL of the server, without TLS.
func (s *Server) URL() string { return "smtp://" + s.addr + "?tls=none" }

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.addr }

// Reject makes the server refuse addr at RCPT TO with 550 5.1.1.
func (s *Server) Reject(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject[strings.ToLower(addr)] = true
}

// Stall makes every DATA block until Release (or the end of the test). The
// channel it returns is closed once a DATA is blocking, so a test can act
// (cancel a context) at exactly that point.
func (s *Server) Stall() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stall, s.stalled = make(chan struct{}), make(chan struct{})
	return s.stalled
}

// Release lets stalled DATA commands go on.
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stall != nil {
		close(s.stall)
		s.stall = nil
	}
}

// AuthAttempts is the number of AUTH PLAIN exchanges clients completed,
// whatever their credentials: each one put a password on the wire.
func (s *Server) AuthAttempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auths
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Message { return s.inbox.all() }

// WaitFor blocks until at least n messages have arrived, and returns them,
// or returns ctx's error.
func (s *Server) WaitFor(ctx context.Context, n int) ([]Message, error) {
	return s.inbox.waitFor(ctx, n, "messages")
}

func (s *Server) add(m Message) { s.inbox.add(m) }

// exchange is one client connection: its envelope, reset after each message.
type exchange struct {
	s    *Server
	from string
	to   []string
}

func (ss *exchange) Reset()        { ss.from, ss.to = "", nil }
func (ss *exchange) Logout() error { return nil }

func (ss *exchange) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *exchange) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, _, _ string) error {
		ss.s.mu.Lock()
		defer ss.s.mu.Unlock()
		ss.s.auths++
		return smtp.ErrAuthFailed
	}), nil
}

func (ss *exchange) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *exchange) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	rejected := ss.s.reject[strings.ToLower(to)]
	ss.s.mu.Unlock()
	if rejected {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user here"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *exchange) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	stall, stalled := ss.s.stall, ss.s.stalled
	ss.s.mu.Unlock()
	if stall != nil {
		select {
		case <-stalled:
		default:
			close(stalled)
		}
		<-stall
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "stalled"}
	}
	m, err := parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "unparseable: " + err.Error()}
	}
	m.From, m.To = ss.from, append([]string(nil), ss.to...)
	ss.s.add(m)
	return nil
}

// parse reads a message into its headers and its text and HTML parts,
// whether it is a single part or multipart/alternative (or mixed).
func parse(raw []byte) (Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, err
	}
	m := Message{Data: raw, Header: msg.Header}
	var dec mime.WordDecoder
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Message{}, fmt.Errorf("subject: %w", err)
	}
	err = walk(msg.Header, msg.Body, &m)
	return m, err
}

// header is what mail.Header and a part's textproto.MIMEHeader share.
type header interface{ Get(string) string }

func walk(h header, body io.Reader, m *Message) error {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("content type: %w", err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walk(p.Header, p, m); err != nil {
				return err
			}
		}
	}
	content, err := decode(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return err
	}
	switch mt {
	case "text/plain":
		m.Text = content
	case "text/html":
		m.HTML = content
	}
	return nil
}

func decode(cte string, r io.Reader) (string, error) {
	switch strings.ToLower(cte) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r) // skips line breaks itself
	}
	b, err := io.ReadAll(r)
	return string(b), err
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}
