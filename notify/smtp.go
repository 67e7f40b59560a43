package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/privet-dev/privet"
)

// Default ports: submission (RFC 6409) for smtp://, implicit TLS (RFC 8314)
// for smtps://.
const (
	defaultSMTPPort  = 587
	defaultSMTPSPort = 465
)

// defaultSendTimeout bounds a send whose context has no deadline, so a
// server that stops answering cannot hold a job forever.
const defaultSendTimeout = 30 * time.Second

// SMTP is a Sender that hands each message to one SMTP server, over a new
// connection per message. It is safe for concurrent use.
type SMTP struct {
	host        string
	port        int
	implicitTLS bool
	policy      mail.TLSPolicy
	user        string
	password    string
	from        *netmail.Address
	idDomain    string // the right-hand side of Message-IDs: the From domain
	clock       privet.Clock
	tlsConfig   *tls.Config
}

var _ Sender = (*SMTP)(nil)

// NewSMTP returns a Sender for the server at rawURL:
//
//	smtp://user:password@host:port   STARTTLS when the server offers it (port 587 by default)
//	smtps://user:password@host:port  TLS from the first byte (port 465 by default)
//
// The query parameter tls chooses the STARTTLS policy of smtp://: starttls
// (the default: use it when offered), mandatory (refuse a server without it)
// or none (never; for a relay on the same host). Credentials are optional;
// given, they are only ever sent over an encrypted connection or with a
// challenge-response mechanism. from is the From address, with or without a
// display name. Errors name the field ("smtp_url", "from") and never repeat
// the URL, which holds a password.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	s := &SMTP{policy: mail.TLSOpportunistic, clock: privet.SystemClock{}}
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse's error quotes the URL, password and all: not wrapped.
		return nil, privet.FieldError("smtp_url", "is not a URL")
	}
	switch u.Scheme {
	case "smtp":
		s.port = defaultSMTPPort
	case "smtps":
		s.port, s.implicitTLS = defaultSMTPSPort, true
	default:
		return nil, privet.FieldError("smtp_url", "must start with smtp:// or smtps://")
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return nil, privet.FieldError("smtp_url", "must name a host (smtp://host:port)")
	}
	if u.Path != "" && u.Path != "/" || u.Fragment != "" {
		return nil, privet.FieldError("smtp_url", "must not have a path or fragment")
	}
	s.host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, privet.FieldError("smtp_url", "the port must be a number from 1 to 65535")
		}
		s.port = n
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
		if s.user == "" {
			return nil, privet.FieldError("smtp_url", "a password needs a user name")
		}
	}
	q := u.Query()
	for k := range q {
		if k != "tls" {
			// The name is not repeated: a mistyped URL may carry a secret there.
			return nil, privet.FieldError("smtp_url", "unknown query parameter (only tls is known)")
		}
	}
	if q.Has("tls") {
		if s.implicitTLS {
			return nil, privet.FieldError("smtp_url", "tls= applies to smtp:// only; smtps:// is always encrypted")
		}
		switch q.Get("tls") {
		case "starttls":
			s.policy = mail.TLSOpportunistic
		case "mandatory":
			s.policy = mail.TLSMandatory
		case "none":
			s.policy = mail.NoTLS
		default:
			return nil, privet.FieldError("smtp_url", "tls must be starttls, mandatory or none")
		}
	}
	s.tlsConfig = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}

	a, err := netmail.ParseAddress(from)
	if err != nil || strings.ContainsAny(from, "\r\n") {
		return nil, privet.FieldError("from", "must be an email address, optionally with a name")
	}
	s.from = a
	s.idDomain = a.Address[strings.LastIndexByte(a.Address, '@')+1:]
	return s, nil
}

// WithClock returns a copy of s that dates its messages by c.
func (s *SMTP) WithClock(c privet.Clock) *SMTP {
	cp := *s
	cp.clock = c
	return &cp
}

// Send delivers m and returns once the server has accepted it. The context
// bounds the whole exchange, from dialling to the end of DATA; without a
// deadline a send gives up after 30 seconds. An invalid message is an
// EINVALID error naming the field; a failed delivery is a *DeliveryError.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := s.build(m)
	if err != nil {
		return err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultSendTimeout)
		defer cancel()
	}
	deadline, _ := ctx.Deadline()
	opts := []mail.Option{
		mail.WithPort(s.port),
		mail.WithTLSPolicy(s.policy),
		mail.WithTLSConfig(s.tlsConfig),
		// go-mail sets its own deadline on every command; the context's
		// remaining time is the one that counts.
		mail.WithTimeout(max(time.Until(deadline), time.Millisecond)),
		mail.WithDialContextFunc(s.dialer(ctx)),
	}
	if s.implicitTLS {
		opts = append(opts, mail.WithSSL())
	}
	if s.user != "" {
		// Auto-discovery never sends PLAIN or LOGIN over a connection that
		// is not encrypted.
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(s.user), mail.WithPassword(s.password))
	}
	c, err := mail.NewClient(s.host, opts...)
	if err != nil {
		return &DeliveryError{Stage: "connect", err: err}
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return deliveryError(ctx, err)
	}
	return nil
}

// dialer dials with ctx and closes the connection the moment ctx ends, so a
// cancelled or expired context stops a send in the middle of a command, not
// only while connecting. With smtps:// it does the TLS handshake itself,
// since go-mail leaves that to a custom dialer.
func (s *SMTP) dialer(ctx context.Context) mail.DialContextFunc {
	return func(dctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		var conn net.Conn
		var err error
		if s.implicitTLS {
			td := tls.Dialer{NetDialer: &d, Config: s.tlsConfig}
			conn, err = td.DialContext(dctx, network, addr)
		} else {
			conn, err = d.DialContext(dctx, network, addr)
		}
		if err != nil {
			return nil, err
		}
		context.AfterFunc(ctx, func() { _ = conn.Close() })
		return conn, nil
	}
}

// reservedHeaders are set by Send itself; m.Headers may not replace them.
var reservedHeaders = map[string]bool{
	"From": true, "To": true, "Cc": true, "Bcc": true, "Subject": true, "Date": true,
	"Message-Id": true, "Mime-Version": true, "Content-Type": true, "Content-Transfer-Encoding": true,
	"Sender": true, "Return-Path": true,
}

// build turns m into a go-mail message: multipart/alternative when HTML is
// set, with a Message-ID in the From domain and the clock's Date.
func (s *SMTP) build(m Message) (*mail.Msg, error) {
	to, err := netmail.ParseAddress(m.To)
	if err != nil || strings.ContainsAny(m.To, "\r\n") {
		return nil, privet.FieldError("to", "must be an email address")
	}
	if strings.TrimSpace(m.Subject) == "" || strings.ContainsAny(m.Subject, "\r\n") {
		return nil, privet.FieldError("subject", "must be one line of text")
	}
	if strings.TrimSpace(m.Text) == "" {
		return nil, privet.FieldError("text", "must not be empty")
	}
	// No mailer header: naming the library that sent the mail tells the recipient nothing useful.
	msg := mail.NewMsg(mail.WithEncoding(mail.EncodingQP), mail.WithCharset(mail.CharsetUTF8), mail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	msg.SetAddrHeaderFromMailAddress(mail.HeaderTo, to)
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(newMessageID() + "@" + s.idDomain)
	msg.SetDateWithValue(s.clock.Now())
	for k, v := range m.Headers {
		name := textprotoKey(k)
		if !validHeaderName(k) || strings.ContainsAny(v, "\r\n") {
			return nil, privet.FieldError("headers", "a header name must be a token and its value one line")
		}
		if name == "Message-Id" {
			// A caller that may repeat a message after a crash gives the
			// same id each time, so mail systems fold the repeat.
			id, ok := messageID(v)
			if !ok {
				return nil, privet.FieldError("headers", "a Message-ID must be <local@domain>")
			}
			msg.SetMessageIDWithValue(id)
			continue
		}
		if reservedHeaders[name] {
			return nil, privet.FieldError("headers", "%s is set by the sender and cannot be given", name)
		}
		msg.SetGenHeader(mail.Header(name), v)
	}
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// messageID returns the local@domain inside a Message-ID given as
// <local@domain>, and whether it is one: printable ASCII, no spaces or
// brackets inside, one @ with text on both sides.
func messageID(v string) (string, bool) {
	id, ok := strings.CutPrefix(v, "<")
	if !ok {
		return "", false
	}
	if id, ok = strings.CutSuffix(id, ">"); !ok || len(id) > 250 {
		return "", false
	}
	local, domain, ok := strings.Cut(id, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") {
		return "", false
	}
	for _, c := range []byte(id) {
		if c < 33 || c > 126 || c == '<' || c == '>' || c == '"' || c == '\\' {
			return "", false
		}
	}
	return id, true
}

// newMessageID is 128 random bits: unique without naming the host.
func newMessageID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// validHeaderName reports whether k is an RFC 5322 field name: printable
// ASCII without a colon or space.
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for _, c := range []byte(k) {
		if c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

// textprotoKey is the canonical form of a header name (list-unsubscribe →
// List-Unsubscribe), so reserved names are caught whatever their case.
func textprotoKey(k string) string {
	b := []byte(strings.ToLower(k))
	upper := true
	for i, c := range b {
		if upper && 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		upper = c == '-'
	}
	return string(b)
}

// DeliveryError is a send the server refused or that did not finish. Its
// message names the stage and the SMTP status codes only: servers quote the
// recipient's address in their replies, so the reply text is kept out of
// Error() (it stays reachable through errors.Unwrap for a debugger, and must
// not be logged).
type DeliveryError struct {
	Stage     string // connect, auth, sender, recipient, data, or send
	Code      int    // the SMTP reply code, 0 if none
	Enhanced  string // the enhanced status code (5.1.1), "" if none
	Temporary bool   // worth retrying later (a 4xx reply, a timeout, a broken connection)
	err       error
}

func (e *DeliveryError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "notify: smtp %s failed", e.Stage)
	if e.Code != 0 {
		fmt.Fprintf(&b, " (%d", e.Code)
		if e.Enhanced != "" {
			fmt.Fprintf(&b, " %s", e.Enhanced)
		}
		b.WriteString(")")
	}
	if e.Temporary {
		b.WriteString(", temporary")
	}
	return b.String()
}

func (e *DeliveryError) Unwrap() error { return e.err }

// deliveryError classifies a go-mail error without keeping its text.
func deliveryError(ctx context.Context, err error) error {
	d := &DeliveryError{Stage: "connect", err: err, Temporary: true}
	if ctxErr := ctx.Err(); ctxErr != nil {
		// The connection was closed under go-mail: the context is the cause.
		d.Stage, d.err = "send", errors.Join(ctxErr, err)
		return d
	}
	if errors.Is(err, mail.ErrNoSupportedAuthDiscovered) {
		// No mechanism safe on this connection: retrying will not help.
		d.Stage, d.Temporary = "auth", false
		return d
	}
	var se *mail.SendError
	if errors.As(err, &se) {
		d.Code, d.Enhanced, d.Temporary = se.ErrorCode(), se.EnhancedStatusCode(), se.IsTemp()
		switch se.Reason {
		case mail.ErrSMTPMailFrom, mail.ErrGetSender:
			d.Stage = "sender"
		case mail.ErrSMTPRcptTo, mail.ErrGetRcpts:
			d.Stage = "recipient"
		case mail.ErrSMTPData, mail.ErrSMTPDataClose, mail.ErrWriteContent:
			d.Stage = "data"
		default:
			d.Stage = "send"
		}
		if d.Code >= 500 {
			d.Temporary = false
		}
	}
	return d
}
