package api

import (
	"bytes"
	"context"
	"html/template"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
)

// unsubscribePath is where one-click unsubscribe links point; the token
// follows it.
const unsubscribePath = "/u/"

type unsubscribeLinkInput struct {
	ForwardedProto string `header:"X-Forwarded-Proto" doc:"The scheme the app's proxy received; used for the link when base_url is absent."`
	Body           struct {
		SubjectID string `json:"subject_id" maxLength:"64" doc:"The subject the email is sent to."`
		Purpose   string `json:"purpose" maxLength:"200" doc:"The purpose the email serves, e.g. marketing.communications.email."`
		TTL       string `json:"ttl,omitempty" maxLength:"32" doc:"How long the link works, as a Go duration (e.g. 720h); default 60 days, at most 366 days."`
		BaseURL   string `json:"base_url,omitempty" maxLength:"512" doc:"Where people reach this server, e.g. https://privacy.example.com; defaults to the request's scheme and host."`
	}
	host string
	tls  bool
}

// Resolve keeps the host and scheme the request came in on, the default
// base of the link.
func (in *unsubscribeLinkInput) Resolve(ctx huma.Context) []error {
	in.host, in.tls = ctx.Host(), ctx.TLS() != nil
	return nil
}

type unsubscribeLinkOutput struct {
	Body struct {
		URL       string    `json:"url" doc:"The one-click unsubscribe URL."`
		ExpiresAt time.Time `json:"expires_at" doc:"When the link stops working."`
		Headers   struct {
			ListUnsubscribe     string `json:"List-Unsubscribe" doc:"Put this header in the email as is."`
			ListUnsubscribePost string `json:"List-Unsubscribe-Post" doc:"Put this header in the email as is (RFC 8058)."`
		} `json:"headers" doc:"The RFC 8058 headers for the email."`
	}
}

// unsubscribeLink signs a one-click unsubscribe link for one subject and
// purpose, with the headers the app puts into its email.
func (s *Server) unsubscribeLink(ctx context.Context, in *unsubscribeLinkInput) (*unsubscribeLinkOutput, error) {
	b := in.Body
	var ttl time.Duration
	if b.TTL != "" {
		d, err := time.ParseDuration(b.TTL)
		if err != nil {
			return nil, privet.FieldError("ttl", "not a duration such as 720h")
		}
		ttl = d
	}
	base, err := linkBase(b.BaseURL, in.host, in.tls, in.ForwardedProto)
	if err != nil {
		return nil, err
	}
	token, expires, err := s.cfg.Consent.UnsubscribeToken(ctx, TenantID(ctx), b.SubjectID, b.Purpose, ttl)
	if err != nil {
		return nil, err
	}
	out := &unsubscribeLinkOutput{}
	out.Body.URL = base + unsubscribePath + token
	out.Body.ExpiresAt = expires
	out.Body.Headers.ListUnsubscribe = "<" + out.Body.URL + ">"
	out.Body.Headers.ListUnsubscribePost = "List-Unsubscribe=One-Click"
	return out, nil
}

// linkBase is the scheme, host and optional path prefix of links, without
// a trailing slash: the base_url given, or else the request's own.
func linkBase(baseURL, host string, tls bool, forwardedProto string) (string, error) {
	if baseURL == "" {
		scheme := "http"
		if tls {
			scheme = "https"
		}
		// The caller holds an API key: it is the app (or its proxy), so the
		// scheme it reports is trusted.
		if p := strings.ToLower(forwardedProto); p == "http" || p == "https" {
			scheme = p
		}
		baseURL = scheme + "://" + host
	}
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", privet.FieldError("base_url", "must be an http or https URL without query or credentials")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

type unsubscribePageInput struct {
	Token string `path:"token" maxLength:"1024" doc:"The signed token of the link."`
}

type unsubscribeClickInput struct {
	Token     string `path:"token" maxLength:"1024" doc:"The signed token of the link."`
	UserAgent string `header:"User-Agent"`
	// RawBody is List-Unsubscribe=One-Click (RFC 8058) from a mail client,
	// or the same field from the page's form; the token alone authorises.
	RawBody []byte `contentType:"application/x-www-form-urlencoded"`
	remote  string
}

// Resolve keeps the client's address as evidence of the choice.
func (in *unsubscribeClickInput) Resolve(ctx huma.Context) []error {
	in.remote = ctx.RemoteAddr()
	return nil
}

type htmlOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

// unsubscribePage shows a button that unsubscribes. A GET never changes
// anything: mail scanners and link previews fetch every link in a message.
func (s *Server) unsubscribePage(ctx context.Context, in *unsubscribePageInput) (*htmlOutput, error) {
	link, err := s.cfg.Consent.ParseUnsubscribeToken(in.Token)
	if err != nil {
		return nil, badLink(err)
	}
	// A privacy signal is no change the person did not ask for: record it.
	s.identified(ctx, link.TenantID, consent.Party{SubjectID: link.SubjectID})
	return renderPage(false)
}

// unsubscribeClick records the withdrawal and answers only once it has
// committed, as RFC 8058 expects of a one-click POST.
func (s *Server) unsubscribeClick(ctx context.Context, in *unsubscribeClickInput) (*htmlOutput, error) {
	if !s.public.allow(in.remote) {
		return nil, privet.Errorf(privet.ERATELIMIT, "too many requests from this network; try again later")
	}
	if link, err := s.cfg.Consent.ParseUnsubscribeToken(in.Token); err == nil {
		s.identified(ctx, link.TenantID, consent.Party{SubjectID: link.SubjectID})
	}
	_, err := s.cfg.Consent.Unsubscribe(ctx, consent.UnsubscribeInput{Token: in.Token, UserAgent: in.UserAgent, IP: remoteIP(in.remote)})
	// A subject erased since the email was sent has nothing left to
	// unsubscribe from: that is done, not an error to show the person.
	if err != nil && privet.ErrorCode(err) != privet.ENOTFOUND {
		return nil, badLink(err)
	}
	return renderPage(true)
}

// badLink turns a rejected token into a 400; other errors pass unchanged.
func badLink(err error) error {
	if privet.ErrorCode(err) == privet.EINVALID && privet.ErrorField(err) == "token" {
		return huma.Error400BadRequest("the unsubscribe link is invalid or has expired")
	}
	return err
}

// remoteIP is the host part of a remote address, or "" when it has none.
func remoteIP(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	return host
}

// unsubscribeTemplate is the whole page: no script, no style sheet, nothing
// fetched from elsewhere, so the strict content security policy holds.
var unsubscribeTemplate = template.Must(template.New("unsubscribe").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Unsubscribe</title></head><body>
{{if .}}<p>You are unsubscribed. You will receive no more of these emails.</p>
{{else}}<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button></form>
{{end}}</body></html>
`))

func renderPage(done bool) (*htmlOutput, error) {
	var buf bytes.Buffer
	if err := unsubscribeTemplate.Execute(&buf, done); err != nil {
		return nil, err
	}
	return &htmlOutput{ContentType: "text/html; charset=utf-8", Body: buf.Bytes()}, nil
}
