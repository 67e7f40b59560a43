package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"net/url"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/notify/catalog"
)

// The messages privet sends, by template name.
const (
	RequestReceived    = "request_received"     // to the subject: we have it, and the deadline
	RequestVerify      = "request_verify"       // to the subject: a code or link to confirm it is theirs
	RequestExtended    = "request_extended"     // to the subject: the deadline moved, and why
	RequestCompleted   = "request_completed"    // to the subject: done, perhaps with a download link
	RequestDenied      = "request_denied"       // to the subject: refused, why, how to appeal or complain
	RequestRouted      = "request_routed"       // to the subject: another controller (Handler) answers it
	RequestForwarded   = "request_forwarded"    // to a client's privacy contact: a request routed to them
	RequestExpired     = "request_expired"      // to the subject: never confirmed, closed
	RequestFee         = "request_fee"          // to the subject: a fee applies, why, the estimate; nothing runs until accepted
	RequestPorted      = "request_ported"       // to another controller: a person's portable data, sent at their request
	WinddownNotice     = "winddown_notice"      // to everyone: the service stops, what happens to the data
	PolicyChangeNotice = "policy_change_notice" // to everyone: the policy changes, before it takes effect
	IncidentNotice     = "incident_notice"      // to those affected: a breach, its impact, actions, advice
	AuthorityNotice    = "authority_notice"     // to the subject: their data was disclosed to an authority
)

// TemplateNames lists every template LoadTemplates requires.
func TemplateNames() []string {
	return []string{
		RequestReceived, RequestVerify, RequestExtended, RequestCompleted, RequestDenied,
		RequestRouted, RequestForwarded, RequestExpired, RequestFee, RequestPorted, WinddownNotice, PolicyChangeNotice,
		IncidentNotice, AuthorityNotice,
	}
}

//go:embed templates/*.tmpl
var embeddedTemplates embed.FS

// Data is what the templates show. Each template uses the fields it needs
// and leaves the rest; times are shown as dates (or date and time, for
// LinkExpiresAt) in UTC, in the message's language. Free-text fields
// (Reason, AppealInfo, NoticeText, Incident*) are shown as given: the HTML
// escapes them, and they are not translated.
type Data struct {
	Service         string // the service's name, as people know it
	ControllerName  string // the controller's legal name
	ControllerEmail string // where people write about their data
	RequestID       string
	RequestType     string // access, erasure, ... (the policy's request types)
	ReceivedAt      time.Time
	DueAt           time.Time
	ExtendedTo      time.Time
	Reason          string // why a request was extended or denied
	Code            string // a one-time verification code
	CodeExpiresIn   time.Duration
	Link            string // a verification, download or policy link
	LinkExpiresAt   time.Time
	Handler         string // who handles a routed request: the controller for whom the service processes
	AppealInfo      string
	ComplaintInfo   string // the supervisory authority and how to reach it
	NoticeText      string // what a wind-down or policy change means, in the controller's words
	EffectiveAt     time.Time
	IncidentSummary string
	IncidentImpact  string
	IncidentActions string
	IncidentAdvice  string
	// PasswordReset tells the person they must choose a new password.
	PasswordReset bool
	// ConsentAsked tells the person a policy change asks their consent again.
	ConsentAsked bool
	// Findings answer a request to know or a Shine the Light request, a
	// line each (a category with its sources and purposes, a recipient with
	// what it received); FindingsNone says such a request found nothing.
	Findings     []string
	FindingsNone bool
	// Erased lists what an erasure limited to some categories removed
	// (category keys); the rest of the account stays.
	Erased []string
	// SentTo names the controller a portable copy was sent to, at the
	// person's request.
	SentTo string
	// Fee is the cost estimate of a request a fee applies to ("25.00 USD");
	// Reason then says why.
	Fee string
	// Anonymized says a wind-down keeps anonymous statistics; otherwise
	// everything is deleted.
	Anonymized bool
	// A disclosure to an authority: who received the data (the policy's
	// name of the recipient), under which legal basis (subpoena,
	// court_order, ...), their case reference, the data categories and when.
	Authority   string
	LegalBasis  string
	Reference   string
	Categories  []string
	DisclosedAt time.Time
}

// Templates are the parsed message templates and their catalog. Safe for
// concurrent use.
type Templates struct {
	cat  *catalog.Catalog
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
}

// LoadTemplates parses the templates and catalog built into privet. A
// missing or broken template is an error, so a bad build fails at start.
func LoadTemplates() (*Templates, error) {
	cat, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(embeddedTemplates, "templates")
	if err != nil {
		return nil, err
	}
	return LoadTemplatesFS(sub, cat)
}

// LoadTemplatesFS parses the templates in the top directory of fsys: for
// each name of TemplateNames, <name>.txt.tmpl (which also defines
// "subject", and "sms" for a notice that may go by text message) and
// <name>.html.tmpl, each with layout.txt.tmpl or layout.html.tmpl.
func LoadTemplatesFS(fsys fs.FS, cat *catalog.Catalog) (*Templates, error) {
	t := &Templates{cat: cat, text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	for _, name := range TemplateNames() {
		txt, err := texttemplate.New(name).Option("missingkey=error").ParseFS(fsys, "layout.txt.tmpl", name+".txt.tmpl")
		if err != nil {
			return nil, fmt.Errorf("notify: template %s (text): %w", name, err)
		}
		if txt.Lookup("subject") == nil || txt.Lookup("body") == nil {
			return nil, fmt.Errorf("notify: template %s (text) must define subject and body", name)
		}
		html, err := htmltemplate.New(name).Option("missingkey=error").ParseFS(fsys, "layout.html.tmpl", name+".html.tmpl")
		if err != nil {
			return nil, fmt.Errorf("notify: template %s (html): %w", name, err)
		}
		if html.Lookup("body") == nil {
			return nil, fmt.Errorf("notify: template %s (html) must define body", name)
		}
		t.text[name], t.html[name] = txt, html
	}
	return t, nil
}

// Render fills template name in lang ("" for the catalog's fallback) with
// d. To is left for the caller. An unknown template is EINVALID naming
// "template"; an unknown request type, EINVALID naming "request_type".
func (t *Templates) Render(name, lang string, d Data) (Message, error) {
	txt, ok := t.text[name]
	if !ok {
		return Message{}, privet.FieldError("template", "unknown template")
	}
	if lang == "" {
		lang = catalog.Fallback
	}
	if d.Link != "" {
		// A link is a button in the HTML: only the web's schemes, never
		// javascript: or data:.
		u, err := url.Parse(d.Link)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return Message{}, privet.FieldError("link", "must be an http:// or https:// URL")
		}
	}
	v := view{Data: d, lang: lang, cat: t.cat}
	if strings.HasPrefix(name, "request_") && d.RequestType == "" {
		return Message{}, privet.FieldError("request_type", "is required by this template")
	}
	if d.RequestType != "" {
		if _, ok := t.cat.Lookup(lang, "request_type."+d.RequestType); !ok {
			return Message{}, privet.FieldError("request_type", "unknown request type")
		}
	}
	var subject, text, html bytes.Buffer
	if err := txt.ExecuteTemplate(&subject, "subject", v); err != nil {
		return Message{}, fmt.Errorf("notify: render %s subject: %w", name, err)
	}
	if err := txt.ExecuteTemplate(&text, "layout", v); err != nil {
		return Message{}, fmt.Errorf("notify: render %s text: %w", name, err)
	}
	if err := t.html[name].ExecuteTemplate(&html, "layout", v); err != nil {
		return Message{}, fmt.Errorf("notify: render %s html: %w", name, err)
	}
	m := Message{
		// One line whatever the data held: a line break in a subject would
		// start a new header.
		Subject: strings.Join(strings.Fields(subject.String()), " "),
		Text:    tidyText(text.String()),
		HTML:    html.String(),
	}
	if txt.Lookup("sms") != nil {
		var sms bytes.Buffer
		if err := txt.ExecuteTemplate(&sms, "sms", v); err != nil {
			return Message{}, fmt.Errorf("notify: render %s sms: %w", name, err)
		}
		// One paragraph: a text message has no room for layout.
		m.SMS = strings.Join(strings.Fields(sms.String()), " ")
	}
	return m, nil
}

// tidyText collapses the blank lines that skipped sections leave behind.
func tidyText(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	out := lines[:0]
	for i, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" && i > 0 && len(out) > 0 && out[len(out)-1] == "" {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n") + "\n"
}

// view is what the templates execute on: the data plus the language, with
// the methods that turn catalog ids into text.
type view struct {
	Data
	lang string
	cat  *catalog.Catalog
}

// T returns catalog message id with its placeholders filled from the
// name/value pairs kv. Values may be strings, times (shown as dates) and
// durations.
func (v view) T(id string, kv ...any) (string, error) {
	if len(kv)%2 != 0 {
		return "", fmt.Errorf("T %s: odd number of arguments", id)
	}
	args := make(map[string]string, len(kv)/2+4)
	for i := 0; i < len(kv); i += 2 {
		name, ok := kv[i].(string)
		if !ok {
			return "", fmt.Errorf("T %s: argument %d is not a name", id, i)
		}
		s, err := v.format(kv[i+1])
		if err != nil {
			return "", fmt.Errorf("T %s: %s: %w", id, name, err)
		}
		args[name] = s
	}
	return v.cat.Format(v.lang, id, args)
}

func (v view) format(x any) (string, error) {
	switch x := x.(type) {
	case string:
		return x, nil
	case time.Time:
		return v.Date(x)
	case time.Duration:
		return v.Duration(x)
	}
	return "", fmt.Errorf("cannot show a %T", x)
}

// Short is the template's form of the function Short.
func (v view) Short(s string, n int) string { return Short(s, n) }

// LegalBasisName is the legal basis of a disclosure in words ("a
// subpoena"); a basis the catalog does not know is shown as given.
func (v view) LegalBasisName() string {
	if s, err := v.T("legal_basis." + v.LegalBasis); err == nil {
		return s
	}
	return v.LegalBasis
}

// Lang is the message's language, for <html lang>.
func (v view) Lang() string { return catalog.Normalize(v.lang) }

// TypeName is the request type in words ("deletion of your data").
func (v view) TypeName() (string, error) { return v.T("request_type." + v.RequestType) }

// Date shows t's day in UTC in the language's date format.
func (v view) Date(t time.Time) (string, error) {
	t = t.UTC()
	month, err := v.T("month." + strconv.Itoa(int(t.Month())))
	if err != nil {
		return "", err
	}
	return v.cat.Format(v.lang, "format.date", map[string]string{
		"month": month, "day": strconv.Itoa(t.Day()), "year": strconv.Itoa(t.Year()),
	})
}

// DateTime shows t's day and minute in UTC.
func (v view) DateTime(t time.Time) (string, error) {
	date, err := v.Date(t)
	if err != nil {
		return "", err
	}
	return v.cat.Format(v.lang, "format.datetime", map[string]string{"date": date, "time": t.UTC().Format("15:04")})
}

// Duration shows d in the largest of days, hours or minutes that divides it
// ("15 minutes", "2 hours", "90 minutes").
func (v view) Duration(d time.Duration) (string, error) {
	unit, n := "minutes", int64(d/time.Minute)
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		unit, n = "days", int64(d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		unit, n = "hours", int64(d/time.Hour)
	}
	form := "other"
	if n == 1 {
		form = "one"
	}
	return v.cat.Format(v.lang, "duration."+unit+"."+form, map[string]string{"n": strconv.FormatInt(n, 10)})
}
