package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/config"
	"github.com/privet-dev/privet/notify/notifytest"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// accessWorld is a privet served over HTTP with its job runner working,
// sending email to a loopback SMTP server, every service on one manual clock.
type accessWorld struct {
	m      *Main
	base   string
	tenant string
	key    string
	mail   *notifytest.Server
	clock  *privet.ManualClock
	logs   lockedBuffer
}

// lockedBuffer collects the server's logs from every goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newAccessWorld(t *testing.T) *accessWorld {
	t.Helper()
	dir := t.TempDir()
	code, out, errOut := run(t, "init", "--data-dir", dir, "--tenant-name", "Acme")
	if code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	w := &accessWorld{mail: notifytest.NewServer(t), key: secretLine.FindStringSubmatch(out)[1],
		tenant: regexp.MustCompile(`tenant (ten_\w+)`).FindStringSubmatch(out)[1]}
	// The public URL goes into the emails, so the port is chosen first.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := config.Default()
	cfg.DataDir, cfg.Listen, cfg.PublicURL = dir, addr, "http://"+addr
	cfg.SMTPURL, cfg.MailFrom = w.mail.URL(), "privacy@example.com"
	w.m = NewMain(cfg, slog.New(slog.NewJSONHandler(&w.logs, nil)))
	w.clock = privet.NewManualClock(privet.SystemClock{}.Now())
	w.m.Clock = w.clock
	if err := w.m.Open(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	if w.m.Policy, err = loadPolicy("", true); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		w.m.Close()
	})
	select {
	case <-w.m.Ready:
	case err := <-done:
		done <- nil
		t.Fatalf("Run ended early: %v", err)
	}
	// The server listens before its consent memory is filled: wait for it.
	if err := w.m.Consent.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.base = "http://" + w.m.Addr
	return w
}

// call sends a request to the server and returns the status and body.
func (w *accessWorld) call(t *testing.T, method, path, key, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, w.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// waitMail waits for an email to addr whose subject or text holds want,
// received after the first n messages, and returns it with the new count.
func (w *accessWorld) waitMail(t *testing.T, n int, addr, want string) (notifytest.Message, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a bound on a hang, not a measure
	defer cancel()
	for {
		msgs, err := w.mail.WaitFor(ctx, n+1)
		if err != nil {
			t.Fatalf("no email with %q to %s: %v (got %d)", want, addr, err, n)
		}
		for _, m := range msgs[n:] {
			n++
			if len(m.To) == 1 && m.To[0] == addr && strings.Contains(m.Subject+"\n"+m.Text, want) {
				return m, n
			}
		}
	}
}

var (
	codeRE = regexp.MustCompile(`\b(\d{6})\b`)
	linkRE = regexp.MustCompile(`http://\S+/v1/public/packages/\S+`)
)

// download GETs a package link and returns the status and body.
func download(t *testing.T, link string) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// dataJSON returns data.json of a package.
func dataJSON(t *testing.T, pkg []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatalf("not a ZIP: %v", err)
	}
	for _, f := range zr.File {
		if f.Name == "data.json" {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatal("no data.json in the package")
	return ""
}

// TestAccessRequestEndToEnd follows a person's access request over HTTP
// from the public intake to the download, with River working the jobs and
// the emails going through SMTP: verify code, completion link, the ZIP, the
// link's end with the package's window, and an audit log naming ids only.
func TestAccessRequestEndToEnd(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	const email = "ada.lovelace@example.com"
	const secret = "Analytical Engine notes, vol. 3"
	sub, err := w.m.Vault.Create(ctx, tenancy.Operator(), w.tenant, vault.CreateInput{Jurisdiction: "DE",
		Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: email}},
		Fields:     []vault.FieldInput{{Name: "bio", Category: "user.content.self_image", Value: secret}}})
	if err != nil {
		t.Fatal(err)
	}

	code, body := w.call(t, "POST", "/v1/public/requests", "",
		`{"tenant":"`+w.tenant+`","type":"access","jurisdiction":"DE","identity":{"type":"email","value":"`+email+`"}}`)
	if code != http.StatusAccepted {
		t.Fatalf("file: %d %s", code, body)
	}
	var filed struct {
		ID          string `json:"id"`
		StatusToken string `json:"status_token"`
	}
	if err := json.Unmarshal(body, &filed); err != nil {
		t.Fatal(err)
	}
	verify, n := w.waitMail(t, 0, email, "confirmation code")
	m := codeRE.FindStringSubmatch(verify.Text)
	if m == nil {
		t.Fatalf("no code in the verify email:\n%s", verify.Text)
	}
	if !strings.Contains(verify.Text, w.m.Config.PublicURL+requests.StatusPath+filed.StatusToken) {
		t.Errorf("the verify email has no status link:\n%s", verify.Text)
	}
	code, body = w.call(t, "POST", "/v1/public/requests/verify", "", `{"token":"`+filed.StatusToken+`","code":"`+m[1]+`"}`)
	if code != http.StatusOK {
		t.Fatalf("verify: %d %s", code, body)
	}

	// River runs the execution, which builds the package, then the notice.
	done, _ := w.waitMail(t, n, email, "/v1/public/packages/")
	link := linkRE.FindString(done.Text)
	if link == "" {
		t.Fatalf("no download link in the completion email:\n%s", done.Text)
	}
	status, header, pkg := download(t, link)
	if status != http.StatusOK || header.Get("Content-Type") != "application/zip" ||
		!strings.HasPrefix(header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("download: %d %v %.200s", status, header, pkg)
	}
	data := dataJSON(t, pkg)
	if !strings.Contains(data, secret) || !strings.Contains(data, email) || !strings.Contains(data, sub.ID) {
		t.Fatalf("data.json lacks the subject's data:\n%.2000s", data)
	}

	// A tampered link is a plain 404 that echoes nothing.
	tampered := link[:len(link)-3] + "AAA"
	if strings.HasSuffix(link, "AAA") {
		tampered = link[:len(link)-3] + "BBB"
	}
	if status, _, b := download(t, tampered); status != http.StatusNotFound || bytes.Contains(b, []byte("pkg_")) {
		t.Errorf("tampered link: %d %s", status, b)
	}

	// The audit log has the package's making and its download, ids only.
	evs, err := w.m.Audit.Events(ctx, w.tenant, privet.AuditQuery{SubjectID: sub.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, ev := range evs {
		actions[ev.Action]++
		raw, _ := json.Marshal(ev)
		if bytes.Contains(raw, []byte("lovelace")) || bytes.Contains(raw, []byte("Analytical")) {
			t.Errorf("personal data in audit event %s", raw)
		}
		if ev.Action == "subject.read" && ev.Purpose == vault.AccessRequestPurpose && ev.Reason != "request:"+filed.ID {
			t.Errorf("the access read names no request: %+v", ev)
		}
	}
	if actions["package.create"] != 1 || actions["package.download"] != 1 {
		t.Errorf("audit actions %v, want one package.create and one package.download", actions)
	}

	// The window ends: the link fails, and the sweep deletes the package.
	w.clock.Advance(31 * 24 * time.Hour)
	if status, _, b := download(t, link); status != http.StatusNotFound || !bytes.Contains(b, []byte("expired")) {
		t.Errorf("expired link: %d %s", status, b)
	}
	if err := w.m.Jobs.RunOnce(ctx, packagesExpireJob{}.Kind()); err != nil {
		t.Fatal(err)
	}
	err = w.m.Store.View(ctx, func(tx privet.Tx) error {
		_, err := tx.PackageByRequest(ctx, w.tenant, filed.ID)
		return err
	})
	if privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Errorf("package after the sweep: %v, want deleted", err)
	}
	if logs := w.logs.String(); strings.Contains(logs, "lovelace") || strings.Contains(logs, m[1]) || strings.Contains(logs, "Analytical") {
		t.Errorf("personal data or the code in the logs:\n%s", logs)
	} else if !strings.Contains(logs, "/v1/public/packages/{token}") || strings.Contains(logs, link[strings.LastIndex(link, "/")+1:]) {
		t.Errorf("the download is not logged by its route, or its token is:\n%s", logs)
	}
}

// TestPortabilityRequestFiledByApp files a portability request through the
// API for a signed-in user: no contact of its own, so the completion email
// goes to the subject's address read from the vault for a notice.
func TestPortabilityRequestFiledByApp(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	const email = "grace.hopper@example.com"
	sub, err := w.m.Vault.Create(ctx, tenancy.Operator(), w.tenant, vault.CreateInput{Jurisdiction: "DE",
		Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: email}},
		Fields:     []vault.FieldInput{{Name: "nickname", Category: "user.name", Value: "Amazing Grace"}}})
	if err != nil {
		t.Fatal(err)
	}
	code, body := w.call(t, "POST", "/v1/requests", w.key, `{"subject_id":"`+sub.ID+`","type":"portability"}`)
	if code != http.StatusCreated {
		t.Fatalf("file: %d %s", code, body)
	}
	done, _ := w.waitMail(t, 0, email, "/v1/public/packages/")
	status, _, pkg := download(t, linkRE.FindString(done.Text))
	if status != http.StatusOK || !strings.Contains(dataJSON(t, pkg), "Amazing Grace") {
		t.Fatalf("download: %d", status)
	}
}

// TestDeniedRequestEmail denies a request where the law gives an appeal:
// the denial email carries the reason and how to appeal.
func TestDeniedRequestEmail(t *testing.T) {
	w := newAccessWorld(t)
	const email = "denied@example.com"
	code, body := w.call(t, "POST", "/v1/public/requests", "",
		`{"tenant":"`+w.tenant+`","type":"access","jurisdiction":"US-VA","identity":{"type":"email","value":"`+email+`"}}`)
	if code != http.StatusAccepted {
		t.Fatalf("file: %d %s", code, body)
	}
	var filed struct {
		ID          string `json:"id"`
		StatusToken string `json:"status_token"`
	}
	if err := json.Unmarshal(body, &filed); err != nil {
		t.Fatal(err)
	}
	_, n := w.waitMail(t, 0, email, "confirmation code")
	code, body = w.call(t, "POST", "/v1/requests/"+filed.ID+"/deny", w.key, `{"reason":"`+requests.DenyExcessive+`"}`)
	if code != http.StatusOK {
		t.Fatalf("deny: %d %s", code, body)
	}
	denied, _ := w.waitMail(t, n, email, "appeal")
	for _, want := range []string{"manifestly unfounded", "You may appeal this decision", filed.ID} {
		if !strings.Contains(denied.Text, want) {
			t.Errorf("the denial email lacks %q:\n%s", want, denied.Text)
		}
	}
}
