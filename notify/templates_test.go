package notify_test

import (
	"flag"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/disclosure"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/notify/catalog"
	"github.com/privet-dev/privet/notify/notifytest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sample is one Data with every field set, so each template shows all it can.
func sample() notify.Data {
	return notify.Data{
		Service:         "CIPO Cloud",
		ControllerName:  "CIPO Cloud Software Limited",
		ControllerEmail: "privacy@cipo.example",
		RequestID:       "req_01HZX3K9Q2",
		RequestType:     "access",
		ReceivedAt:      time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC),
		DueAt:           time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
		ExtendedTo:      time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		Reason:          "Your request covers eleven years of documents across three products.",
		Code:            "482913",
		CodeExpiresIn:   15 * time.Minute,
		Link:            "https://privacy.cipo.example/r/req_01HZX3K9Q2?t=abc",
		LinkExpiresAt:   time.Date(2026, 3, 31, 23, 59, 0, 0, time.UTC),
		Handler:         "Acme Hotels Group",
		AppealInfo:      "Reply to this email within 60 days and a different person will review the decision.",
		ComplaintInfo:   "You may complain to the Irish Data Protection Commission, https://www.dataprotection.ie.",
		NoticeText:      "Accounts close on that day. We delete all documents within 30 days after it.",
		EffectiveAt:     time.Date(2026, 5, 15, 0, 0, 0, 0, time.UTC),
		IncidentSummary: "On 27 February an attacker read part of our support database.",
		IncidentImpact:  "Your name and email address were exposed; passwords were not.",
		IncidentActions: "We closed the access, signed everyone out and informed the regulator.",
		IncidentAdvice:  "Be wary of emails asking for your password; we never ask for it.",
		PasswordReset:   true,
		ConsentAsked:    true,
		Findings:        []string{"user.name; from: subject; used for: essential.service", "Stripe (processor): user.financial"},
		Erased:          []string{"user.content.public"},
		SentTo:          "Example Docs Ltd",
		Fee:             "25.00 USD",
		Authority:       "Courts, law enforcement and regulators",
		LegalBasis:      "subpoena",
		Reference:       "CASE-2026-14",
		Categories:      []string{"user.name", "user.contact.email"},
		DisclosedAt:     time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC),
	}
}

func loadTemplates(t testing.TB) *notify.Templates {
	t.Helper()
	tm, err := notify.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestTemplatesGolden(t *testing.T) {
	tm := loadTemplates(t)
	for _, name := range notify.TemplateNames() {
		t.Run(name, func(t *testing.T) {
			m, err := tm.Render(name, "en", sample())
			if err != nil {
				t.Fatal(err)
			}
			if m.To != "" {
				t.Errorf("To = %q, want it left to the caller", m.To)
			}
			got := "Subject: " + m.Subject + "\n\n--- text ---\n" + m.Text + "\n--- html ---\n" + m.HTML
			if m.SMS != "" {
				got += "\n--- sms ---\n" + m.SMS + "\n"
			}
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, got)
			}
		})
	}
}

// A message with optional data left out must not show empty headings or
// placeholders; the minimum is what every caller has.
func TestTemplatesWithMinimalData(t *testing.T) {
	tm := loadTemplates(t)
	min := notify.Data{
		Service: "Kipsu", RequestID: "req_1", RequestType: "erasure",
		ReceivedAt: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), ExtendedTo: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		EffectiveAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Handler: "Acme", IncidentSummary: "x",
	}
	for _, name := range notify.TemplateNames() {
		m, err := tm.Render(name, "", min)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, bad := range []string{"{", "}", "<no value>", "0001", "Why:", "How to appeal", "\n\n\n"} {
			if strings.Contains(m.Text, bad) || strings.Contains(m.Subject, bad) {
				t.Errorf("%s text shows %q:\n%s", name, bad, m.Text)
			}
		}
		for _, bad := range []string{"<no value>", "0001", "href=\"\"", "Why:", "<h3"} {
			// Notices that always say what happens have a heading however little is known.
			if strings.Contains(m.HTML, bad) && !((name == notify.IncidentNotice || name == notify.WinddownNotice) && bad == "<h3") {
				t.Errorf("%s HTML shows %q", name, bad)
			}
		}
	}
}

func TestRenderEscapesHostileDataInHTML(t *testing.T) {
	tm := loadTemplates(t)
	d := sample()
	d.Reason = `<script>alert(1)</script><a href="https://evil.example">click</a> & "quotes"`
	d.Service = `<img src=x onerror=alert(1)>`
	d.RequestID = `"><b>id</b>`
	for _, name := range []string{notify.RequestDenied, notify.RequestExtended, notify.RequestReceived} {
		m, err := tm.Render(name, "en", d)
		if err != nil {
			t.Fatal(err)
		}
		for _, raw := range []string{"<script>", "<img", `<a href="https://evil.example">`, "<b>id</b>"} {
			if strings.Contains(m.HTML, raw) {
				t.Errorf("%s: HTML contains %q unescaped", name, raw)
			}
		}
		if name != notify.RequestReceived && !strings.Contains(m.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: the reason is not shown escaped:\n%s", name, m.HTML)
		}
		// The text part shows the reason as written: it is not HTML.
		if name != notify.RequestReceived && !strings.Contains(m.Text, d.Reason) {
			t.Errorf("%s: the text part altered the reason:\n%s", name, m.Text)
		}
	}
}

func TestRenderRejects(t *testing.T) {
	tm := loadTemplates(t)
	tests := []struct {
		name, template string
		edit           func(*notify.Data)
		field          string
	}{
		{"unknown template", "request_lost", func(*notify.Data) {}, "template"},
		{"unknown request type", notify.RequestReceived, func(d *notify.Data) { d.RequestType = "telepathy" }, "request_type"},
		{"no request type", notify.RequestDenied, func(d *notify.Data) { d.RequestType = "" }, "request_type"},
		{"javascript link", notify.RequestVerify, func(d *notify.Data) { d.Link = "javascript:alert(1)" }, "link"},
		{"relative link", notify.RequestCompleted, func(d *notify.Data) { d.Link = "/download" }, "link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sample()
			tt.edit(&d)
			_, err := tm.Render(tt.template, "en", d)
			if privet.ErrorCode(err) != privet.EINVALID || privet.ErrorField(err) != tt.field {
				t.Fatalf("Render = %v, want EINVALID naming %s", err, tt.field)
			}
		})
	}
}

func TestSubjectIsOneLine(t *testing.T) {
	tm := loadTemplates(t)
	d := sample()
	d.Service = "Evil\r\nBcc: victim@example.com"
	m, err := tm.Render(notify.WinddownNotice, "en", d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		t.Fatalf("Subject = %q", m.Subject)
	}
}

// catalogID finds the message ids templates use: .T "id" (or $.T "id").
var catalogID = regexp.MustCompile(`\.T "([^"]+)"`)

func TestEveryCatalogIDTemplatesUseExists(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	paths, err := filepath.Glob("templates/*.tmpl")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	used := map[string]bool{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range catalogID.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
			if _, ok := cat.Lookup("en", m[1]); !ok {
				t.Errorf("%s uses %q, which the catalog lacks", p, m[1])
			}
		}
	}
	// The converse: an id nothing uses is dead weight for translators.
	// Ids built at run time (request types, legal bases, months, formats)
	// are used by the Go code, not the templates.
	for _, id := range cat.IDs("en") {
		if !used[id] && !strings.HasPrefix(id, "request_type.") && !strings.HasPrefix(id, "month.") && !strings.HasPrefix(id, "legal_basis.") &&
			!strings.HasPrefix(id, "format.") && !strings.HasPrefix(id, "duration.") {
			t.Errorf("catalog id %q is used by no template", id)
		}
	}
}

// Every legal basis of a disclosure to an authority has words in the
// catalog, in the email and in the text message.
func TestCatalogNamesEveryLegalBasis(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	tm := loadTemplates(t)
	for _, basis := range disclosure.LegalBases {
		words, ok := cat.Lookup("en", "legal_basis."+basis)
		if !ok {
			t.Errorf("no words for the legal basis %s", basis)
			continue
		}
		d := sample()
		d.LegalBasis = basis
		m, err := tm.Render(notify.AuthorityNotice, "en", d)
		if err != nil || !strings.Contains(m.Text, words) || !strings.Contains(m.SMS, words) {
			t.Errorf("%s: %v\n%s\n%s", basis, err, m.Text, m.SMS)
		}
	}
}

// The notices that must reach everyone have a text message form, short
// enough for a phone, that says what the email says in brief.
func TestNoticesHaveATextMessageForm(t *testing.T) {
	tm := loadTemplates(t)
	d := sample()
	want := map[string][]string{
		notify.WinddownNotice:  {"CIPO Cloud is closing", "May 15, 2026", "deleted", "privacy@cipo.example"},
		notify.IncidentNotice:  {"security incident", d.IncidentSummary, "new password", "privacy@cipo.example"},
		notify.AuthorityNotice: {"Courts, law enforcement and regulators", "a subpoena", "CASE-2026-14", "March 3, 2026"},
	}
	for name, parts := range want {
		m, err := tm.Render(name, "en", d)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range parts {
			if !strings.Contains(m.SMS, p) {
				t.Errorf("%s text message lacks %q: %q", name, p, m.SMS)
			}
		}
		if n := utf8.RuneCountInString(m.SMS); n > 320 || strings.Contains(m.SMS, "\n") {
			t.Errorf("%s text message is %d characters or spans lines: %q", name, n, m.SMS)
		}
	}
	// Free text an operator wrote at length is cut to fit.
	d.IncidentSummary = strings.Repeat("An attacker read a table. ", 40)
	d.IncidentAdvice = strings.Repeat("Change your password. ", 40)
	m, err := tm.Render(notify.IncidentNotice, "en", d)
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(m.SMS); n > 360 || !strings.Contains(m.SMS, "…") || !strings.Contains(m.Text, d.IncidentSummary[:200]) {
		t.Errorf("long incident: text message of %d characters: %q", n, m.SMS)
	}
	// The other messages do not go by text message through a Reacher.
	if m, _ := tm.Render(notify.RequestReceived, "en", d); m.SMS != "" {
		t.Errorf("request_received has a text message form: %q", m.SMS)
	}
}

// Every request type the policy format knows has words in the catalog.
func TestCatalogNamesEveryRequestType(t *testing.T) {
	tm := loadTemplates(t)
	for _, rt := range []string{"access", "portability", "rectification", "erasure", "restriction", "objection",
		"opt_out_sale", "opt_out_sharing", "opt_out_targeted_ads", "limit_sensitive", "withdraw_consent", "know",
		"shine_the_light", "appeal", "no_automated_decisions", "complaint"} {
		d := sample()
		d.RequestType = rt
		if _, err := tm.Render(notify.RequestReceived, "en", d); err != nil {
			t.Errorf("request type %s: %v", rt, err)
		}
	}
}

// A partial translation replaces what it has and falls back to English for
// the rest; dates use its month names and format.
func TestRenderInAnotherLanguage(t *testing.T) {
	en, err := fs.ReadFile(os.DirFS("catalog/messages"), "en.json")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load(fstest.MapFS{
		"en.json": {Data: en},
		"de.json": {Data: []byte(`{
			"common.greeting": "Hallo,",
			"request_received.subject": "Wir haben Ihre Anfrage erhalten",
			"request_received.body": "Ihre Anfrage ({request_type}) ist am {received_at} eingegangen.",
			"format.date": "{day}. {month} {year}",
			"month.3": "März"
		}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	tm, err := notify.LoadTemplatesFS(templatesFS(t), cat)
	if err != nil {
		t.Fatal(err)
	}
	m, err := tm.Render(notify.RequestReceived, "de-AT", sample())
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Wir haben Ihre Anfrage erhalten" {
		t.Errorf("Subject = %q", m.Subject)
	}
	for _, want := range []string{"Hallo,", "ist am 1. März 2026 eingegangen", "access to your data", "Reference: req_01HZX3K9Q2"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if !strings.Contains(m.HTML, `<html lang="de-at">`) {
		t.Errorf("HTML is not marked as German")
	}
}

func templatesFS(t *testing.T) fs.FS {
	t.Helper()
	return os.DirFS("templates")
}

func TestLoadTemplatesFailsOnAMissingTemplate(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	full := fstest.MapFS{}
	paths, _ := filepath.Glob("templates/*.tmpl")
	for _, p := range paths {
		b, _ := os.ReadFile(p)
		full[filepath.Base(p)] = &fstest.MapFile{Data: b}
	}
	if _, err := notify.LoadTemplatesFS(full, cat); err != nil {
		t.Fatalf("the full set does not load: %v", err)
	}
	for _, missing := range []string{"incident_notice.html.tmpl", "request_verify.txt.tmpl", "layout.html.tmpl"} {
		partial := fstest.MapFS{}
		for k, v := range full {
			if k != missing {
				partial[k] = v
			}
		}
		if _, err := notify.LoadTemplatesFS(partial, cat); err == nil {
			t.Errorf("loaded without %s", missing)
		}
	}
	broken := fstest.MapFS{}
	for k, v := range full {
		broken[k] = v
	}
	broken["request_denied.txt.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "body"}}no subject{{end}}`)}
	if _, err := notify.LoadTemplatesFS(broken, cat); err == nil || !strings.Contains(err.Error(), "request_denied") {
		t.Errorf("a template without a subject loaded: %v", err)
	}
}

func TestRenderedVerifyCodeAndLink(t *testing.T) {
	tm := loadTemplates(t)
	m, err := tm.Render(notify.RequestVerify, "en", sample())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"482913", "15 minutes", "March 31, 2026 at 23:59 UTC"} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("the message lacks %q", want)
		}
	}
	if !strings.Contains(m.HTML, `href="`+html.EscapeString("https://privacy.cipo.example/r/req_01HZX3K9Q2?t=abc")+`"`) {
		t.Errorf("the link is not a button:\n%s", m.HTML)
	}
}

func BenchmarkRender(b *testing.B) {
	tm := loadTemplates(b)
	d := sample()
	for b.Loop() {
		if _, err := tm.Render(notify.RequestDenied, "en", d); err != nil {
			b.Fatal(err)
		}
	}
}

// The whole way: a rendered message sent over SMTP arrives with its subject,
// text and HTML intact.
func TestRenderedMessageSentOverSMTP(t *testing.T) {
	tm := loadTemplates(t)
	m, err := tm.Render(notify.RequestDenied, "en", sample())
	if err != nil {
		t.Fatal(err)
	}
	m.To = "ada@example.org"
	srv := notifytest.NewServer(t)
	if err := newSMTP(t, srv).Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	got, err := srv.WaitFor(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	norm := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	if got[0].Subject != m.Subject || norm(got[0].Text) != norm(m.Text) || norm(got[0].HTML) != norm(m.HTML) {
		t.Errorf("received %q\n%s\n%s", got[0].Subject, got[0].Text, got[0].HTML)
	}
}
