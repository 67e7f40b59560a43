package main

// The scenario harness: each of the five example services runs on a real
// privet (SQLite in a temporary data directory, or PostgreSQL when
// PRIVET_TEST_POSTGRES_URL is set and a scenario asks for it), served over
// HTTP on loopback, with a real SMTP server on loopback receiving its email
// and a loopback SMS webhook receiver checking the signature of its texts,
// the command line run against the same data directory, and one injected
// clock for all of them, so deadlines and retention are tested by moving
// the clock, never by sleeping.
//
// Each promise of a service's privacy policy (PROMISES.md) is one subtest
// named by its id, run through promise(); TestMain prints which hold.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/config"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/notify/notifytest"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/storetest"
)

// scenarioStart is when every scenario's clock starts.
var scenarioStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// scenario is one service running on privet.
type scenario struct {
	t       *testing.T
	service string // the example's directory name, e.g. "cipo-cloud"
	dir     string
	policy  string // path of the example policy
	clock   *privet.ManualClock
	mail    *notifytest.Server
	sms     *notifytest.SMSServer // the SMS webhook receiver
	main    *Main
	base    string // http://127.0.0.1:port
	// database is the PostgreSQL URL of the scenario's own database; "" on SQLite.
	database string
	tenant   string
	admin    string // an admin API key of the tenant
}

// onEngines runs a service's scenario on SQLite and, when
// PRIVET_TEST_POSTGRES_URL is set, on PostgreSQL too, each as a subtest
// named by the engine.
func onEngines(t *testing.T, run func(t *testing.T, engine string)) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) { run(t, engine) })
	}
}

// newScenario serves the example policy of service on a fresh privet, on
// engine: SQLite in a temporary directory, or a database of its own on the
// PostgreSQL server of PRIVET_TEST_POSTGRES_URL, dropped after the test.
func newScenario(t *testing.T, engine, service string) *scenario {
	t.Helper()
	s := &scenario{t: t, service: service, dir: t.TempDir(), clock: privet.NewManualClock(scenarioStart),
		policy: filepath.Join("..", "..", "examples", service, "policy.yaml")}
	if engine == "postgres" {
		s.database = freshDatabase(t)
	}
	s.mail = notifytest.NewServer(t)
	s.sms = notifytest.NewSMSServer(t, "scenario-sms-secret-"+service)
	code, out, errOut := s.cli("init", "--tenant-name", service)
	if code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	s.tenant = regexp.MustCompile(`tenant (ten_\w+)`).FindStringSubmatch(out)[1]
	s.admin = secretLine.FindStringSubmatch(out)[1]

	cfg := s.config()
	cfg.Listen = "127.0.0.1:0"
	m := NewMain(cfg, nil)
	m.Clock = s.clock
	pol, err := loadPolicy(s.policy, false)
	if err != nil {
		t.Fatal(err)
	}
	m.Policy = pol
	if m.Mail, err = notify.NewSMTP(s.mail.URL(), cfg.MailFrom); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		m.Close()
	})
	select {
	case <-m.Ready:
	case err := <-done:
		done <- nil
		t.Fatalf("Run ended early: %v", err)
	}
	// The server listens before its consent memory is filled: wait for it.
	if err := m.Consent.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.main, s.base = m, "http://"+m.Addr
	return s
}

// in returns the scenario as seen from a subtest: its helpers then fail t,
// not the parent test, so a failure counts against the promise it proves.
func (s *scenario) in(t *testing.T) *scenario {
	c := *s
	c.t = t
	return &c
}

// freshDatabase creates a database on the test PostgreSQL server and
// returns its URL; it is dropped when the test ends.
func freshDatabase(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	base := storetest.PostgresURL()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	name := "privet_scenario_" + strings.ToLower(privet.NewID("s"))
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop database: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database: %v", err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// config is the configuration the server and the command line share.
func (s *scenario) config() config.Config {
	cfg := config.Default()
	cfg.DataDir, cfg.PolicyFile, cfg.DatabaseURL = s.dir, s.policy, s.database
	cfg.SMTPURL, cfg.MailFrom = s.mail.URL(), "privacy@"+s.service+".example"
	cfg.SMSWebhookURL, cfg.SMSWebhookSecret = s.sms.URL(), s.sms.Secret()
	cfg.PublicURL = "https://privacy." + s.service + ".example"
	return cfg
}

// cli runs a privet command against the scenario's data directory, policy
// and clock. Flags the command does not know are not added: the caller
// passes --tenant and the like itself.
func (s *scenario) cli(args ...string) (code int, stdout, stderr string) {
	s.t.Helper()
	var out, errOut bytes.Buffer
	a := &app{cfg: config.Default(), out: &out, errOut: &errOut, clock: s.clock}
	env := map[string]string{
		"PRIVET_DATA_DIR": s.dir, "PRIVET_POLICY": s.policy, "PRIVET_DATABASE_URL": s.database,
		"PRIVET_SMTP_URL": s.mail.URL(), "PRIVET_MAIL_FROM": "privacy@" + s.service + ".example",
		"PRIVET_SMS_WEBHOOK_URL": s.sms.URL(), "PRIVET_SMS_WEBHOOK_SECRET": s.sms.Secret(),
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	code = execute(context.Background(), a, args, lookup)
	return code, out.String(), errOut.String()
}

// advance moves the clock of the server, its jobs and the command line.
func (s *scenario) advance(d time.Duration) { s.clock.Advance(d) }

// advanceDays moves the clock by n days.
func (s *scenario) advanceDays(n int) { s.advance(time.Duration(n) * 24 * time.Hour) }

// call sends an API request with the admin key; body is JSON-encoded unless
// it is a string. It returns the status and the decoded JSON answer (nil
// when the answer is not a JSON object).
func (s *scenario) call(method, path string, body any) (int, map[string]any) {
	s.t.Helper()
	return s.request(method, path, body, map[string]string{"Authorization": "Bearer " + s.admin})
}

// public sends a request without a key, as a person's browser or an email
// client does, with extra headers if given.
func (s *scenario) public(method, path string, body any, headers map[string]string) (int, map[string]any) {
	s.t.Helper()
	return s.request(method, path, body, headers)
}

func (s *scenario) request(method, path string, body any, headers map[string]string) (int, map[string]any) {
	s.t.Helper()
	code, raw := s.raw(method, path, body, headers)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return code, out
}

// raw sends a request and returns the status and the body as received.
func (s *scenario) raw(method, path string, body any, headers map[string]string) (int, []byte) {
	s.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.base+path, r)
	if err != nil {
		s.t.Fatal(err)
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return res.StatusCode, raw
}

// must fails the test unless the call answered want.
func (s *scenario) must(want int, method, path string, body any) map[string]any {
	s.t.Helper()
	code, out := s.call(method, path, body)
	if code != want {
		s.t.Fatalf("%s %s = %d, want %d: %v", method, path, code, want, out)
	}
	return out
}

// waitJobs waits until no job of kind is waiting to run (jobs scheduled
// for later do not count).
func (s *scenario) waitJobs(kind string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.main.Jobs.Wait(ctx, kind); err != nil {
		s.t.Fatalf("jobs %s: %v", kind, err)
	}
}

// emailsTo waits for n messages addressed to to and returns every message
// to that address.
func (s *scenario) emailsTo(to string, n int) []notifytest.Message {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		var got []notifytest.Message
		for _, m := range s.mail.Messages() {
			for _, rcpt := range m.To {
				if strings.EqualFold(rcpt, to) {
					got = append(got, m)
				}
			}
		}
		if len(got) >= n {
			return got
		}
		if _, err := s.mail.WaitFor(ctx, len(s.mail.Messages())+1); err != nil {
			s.t.Fatalf("%d emails to %s, want %d: %v", len(got), to, n, err)
		}
	}
}

// smsTo waits for n text messages to number (E.164) that the SMS webhook
// received with a valid signature, and returns every one to that number.
func (s *scenario) smsTo(number string, n int) []notifytest.SMS {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		var got []notifytest.SMS
		all := s.sms.Messages()
		for _, m := range all {
			if m.To == number {
				got = append(got, m)
			}
		}
		if len(got) >= n {
			return got
		}
		if _, err := s.sms.WaitFor(ctx, len(all)+1); err != nil {
			s.t.Fatalf("%d text messages to %s, want %d: %v", len(got), number, n, err)
		}
	}
}

// mailWith waits for an email to to whose subject or text holds every one
// of want, and returns it.
func (s *scenario) mailWith(to string, want ...string) notifytest.Message {
	s.t.Helper()
	for n := 1; ; {
		msgs := s.emailsTo(to, n)
	next:
		for _, m := range msgs {
			for _, w := range want {
				if !strings.Contains(m.Subject+"\n"+m.Text, w) {
					continue next
				}
			}
			return m
		}
		n = len(msgs) + 1
	}
}

// packageLink is the download link of a completion email; its first group
// is the path.
var packageLink = regexp.MustCompile(`https?://\S+?(` + regexp.QuoteMeta(requests.DownloadPath) + `\S+)`)

// packageFiles follows the download link of m as the person's browser
// would, and returns the files of the ZIP it gets, by name. The link names
// the public URL; its path is asked of the scenario's server.
func (s *scenario) packageFiles(m notifytest.Message) map[string][]byte {
	s.t.Helper()
	link := packageLink.FindStringSubmatch(m.Text)
	if link == nil {
		s.t.Fatalf("no download link in the email:\n%s", m.Text)
	}
	code, pkg := s.raw("GET", link[1], nil, nil)
	if code != http.StatusOK {
		s.t.Fatalf("download = %d %.200s", code, pkg)
	}
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		s.t.Fatalf("the download is not a ZIP: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			s.t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			s.t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name] = b
	}
	return files
}

// requestSettled polls request id until its execution job has run (it is
// neither open nor in progress) and returns it. Waiting for every
// requests.execute job instead could wait on other requests' retries.
func (s *scenario) requestSettled(id string) map[string]any {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a bound on a hang, not a measure
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		r := s.must(http.StatusOK, "GET", "/v1/requests/"+id, nil)
		if r["status"] != "open" && r["status"] != "in_progress" {
			return r
		}
		select {
		case <-ctx.Done():
			s.t.Fatalf("request %s still %v", id, r["status"])
		case <-tick.C:
		}
	}
}

// subject creates a subject over the API and returns its id.
func (s *scenario) subject(in map[string]any) string {
	s.t.Helper()
	out := s.must(http.StatusCreated, "POST", "/v1/subjects", in)
	id, _ := out["id"].(string)
	if id == "" {
		s.t.Fatalf("create subject: no id in %v", out)
	}
	return id
}

// results are the outcomes of every promise subtest, for the summary.
var results struct {
	sync.Mutex
	rows map[string]string // "service\tid" -> pass, FAIL, skip: reason
}

// promise runs the subtest of one promise and records its outcome.
func promise(t *testing.T, service, id string, fn func(t *testing.T)) {
	t.Run(id, func(t *testing.T) {
		t.Cleanup(func() {
			outcome := "pass"
			switch {
			case t.Failed():
				outcome = "FAIL"
			case t.Skipped():
				outcome = "skip"
			}
			results.Lock()
			defer results.Unlock()
			if results.rows == nil {
				results.rows = map[string]string{}
			}
			key := service
			if strings.Contains(t.Name(), "/postgres/") {
				key += " (postgres)"
			}
			results.rows[key+"\t"+id] = outcome
		})
		fn(t)
	})
}

// TestMain prints which promises hold after the tests ran, and writes the
// same table to the file PRIVET_SCENARIO_SUMMARY names, if any.
func TestMain(m *testing.M) {
	code := m.Run()
	if summary := promiseSummary(); summary != "" {
		fmt.Print(summary)
		if path := os.Getenv("PRIVET_SCENARIO_SUMMARY"); path != "" {
			if err := os.WriteFile(path, []byte(summary), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, "scenario summary:", err)
			}
		}
	}
	os.Exit(code)
}

func promiseSummary() string {
	results.Lock()
	defer results.Unlock()
	if len(results.rows) == 0 {
		return ""
	}
	keys := make([]string, 0, len(results.rows))
	counts := map[string]int{}
	for k, v := range results.rows {
		keys = append(keys, k)
		counts[v]++
	}
	// By service, then by the number of the promise: C2 before C10.
	sort.Slice(keys, func(i, j int) bool {
		si, ii, _ := strings.Cut(keys[i], "\t")
		sj, ij, _ := strings.Cut(keys[j], "\t")
		if si != sj {
			return si < sj
		}
		ni, _ := strconv.Atoi(strings.TrimLeft(ii, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
		nj, _ := strconv.Atoi(strings.TrimLeft(ij, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
		return ni < nj
	})
	var b strings.Builder
	b.WriteString("\nPromises of the example services\nservice\tpromise\tresult\n")
	for _, k := range keys {
		b.WriteString(k + "\t" + results.rows[k] + "\n")
	}
	fmt.Fprintf(&b, "%d pass, %d FAIL, %d skip\n", counts["pass"], counts["FAIL"], counts["skip"])
	return b.String()
}
