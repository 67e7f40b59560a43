package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/incident"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// TestIncidentsCommand records a breach, lists it with its 72-hour deadline,
// enqueues the notices and prints the regulator's report, as an operator would.
func TestIncidentsCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	code, out, errOut := run(t, "init", "--tenant-name", "Acme", "--data-dir", data)
	if code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	tenant := regexp.MustCompile(`tenant (ten_\w+)`).FindStringSubmatch(out)[1]
	file := filepath.Join(dir, "incident.json")
	body := `{"title":"Mailbox exposed","description":"A support mailbox was readable by anyone.",
		"categories":["user.contact.email"],"risk":"high_risk","impact":"Phishing.","measures":"Mailbox closed.",
		"jurisdictions":["EU"]}`
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	inc := func(args ...string) (int, string, string) {
		return run(t, append(append([]string{"incidents"}, args...), "--data-dir", data, "--demo", "--tenant", tenant)...)
	}
	code, out, errOut = inc("create", "--file", file)
	if code != 0 || !strings.Contains(out, `"overdue": false`) {
		t.Fatalf("create: %d %s %s", code, out, errOut)
	}
	id := regexp.MustCompile(`"id": "(inc_\w+)"`).FindStringSubmatch(out)[1]

	if code, out, _ = inc("list"); code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "regulator due 20") {
		t.Fatalf("list: %d %s", code, out)
	}
	if code, out, _ = inc("show", id); code != 0 || !strings.Contains(out, `"audience": "regulator"`) {
		t.Fatalf("show: %d %s", code, out)
	}
	if code, out, errOut = inc("notify", id); code != 0 || !strings.Contains(out, "0 people affected") {
		t.Fatalf("notify: %d %s %s", code, out, errOut)
	}
	if code, out, _ = inc("report", id); code != 0 || !strings.Contains(out, "# Personal data breach notification: Mailbox exposed") {
		t.Fatalf("report: %d %s", code, out)
	}
	if code, out, _ = inc("report", id, "--format", "json"); code != 0 || !strings.Contains(out, `"nature"`) {
		t.Fatalf("report json: %d %s", code, out)
	}
	if code, _, _ = inc("report", id, "--format", "pdf"); code != exitUsage {
		t.Fatalf("report pdf: exit %d, want usage", code)
	}
	if code, out, _ = inc("regulator-notified", id); code != 0 || !strings.Contains(out, "regulator notified at") {
		t.Fatalf("regulator-notified: %d %s", code, out)
	}
	if code, _, errOut = inc("show", "inc_unknown"); code == 0 || !strings.Contains(errOut, "not") {
		t.Fatalf("unknown incident: %d %s", code, errOut)
	}
	if err := os.WriteFile(file, []byte(`{"title":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut = inc("create", "--file", file); code == 0 || !strings.Contains(errOut, "description") {
		t.Fatalf("invalid incident: %d %s", code, errOut)
	}
}

type recordedMail struct {
	mu sync.Mutex
	to []string
}

func (r *recordedMail) Send(_ context.Context, m notify.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.to = append(r.to, m.To)
	return nil
}

// TestIncidentNoticeJob runs the notice job on River as a server does: the
// decision enqueues it, the runner works it, each person gets one email.
func TestIncidentNoticeJob(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	code, out, errOut := run(t, "init", "--tenant-name", "Acme", "--data-dir", data)
	if code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	tenant := regexp.MustCompile(`tenant (ten_\w+)`).FindStringSubmatch(out)[1]
	ctx := context.Background()
	m := openTestMain(t, data)
	if !slices.Contains(m.Jobs.Kinds(), incident.NoticeJob{}.Kind()) {
		t.Fatalf("no worker for %s: %v", incident.NoticeJob{}.Kind(), m.Jobs.Kinds())
	}
	pol, err := loadPolicy("", true)
	if err != nil {
		t.Fatal(err)
	}
	mail := &recordedMail{}
	m.Vault.Policies = vault.StaticPolicy{Compiled: pol}
	m.Incidents.Policies, m.Reach.Mail = m.Vault.Policies, mail
	op := tenancy.Operator()
	for _, addr := range []string{"one@example.com", "two@example.com"} {
		if _, err := m.Vault.Create(ctx, op, tenant, vault.CreateInput{Jurisdiction: "DE",
			Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: addr}}}); err != nil {
			t.Fatal(err)
		}
	}
	inc, err := m.Incidents.Create(ctx, op, tenant, incident.NewIncident{Title: "t", Description: "d",
		Categories: []string{"user.contact.email"}, Risk: privet.RiskHigh, Impact: "i", Measures: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Incidents.NotifyPeople(ctx, op, tenant, inc.ID); err != nil {
		t.Fatal(err)
	}
	if err := m.Jobs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Jobs.Stop(context.WithoutCancel(ctx))
	wait, cancel := context.WithTimeout(ctx, time.Minute) // a bound on a hang, not a measure of speed
	defer cancel()
	if err := m.Jobs.Wait(wait, incident.NoticeJob{}.Kind()); err != nil {
		t.Fatal(err)
	}
	mail.mu.Lock()
	got := slices.Sorted(slices.Values(mail.to))
	mail.mu.Unlock()
	if !slices.Equal(got, []string{"one@example.com", "two@example.com"}) {
		t.Fatalf("sent to %v", got)
	}
	v, err := m.Incidents.Get(ctx, tenant, inc.ID)
	if err != nil || v.PeopleNotifiedAt == nil || v.Affected.Notified != 2 {
		t.Fatalf("after the job: %+v, %v", v, err)
	}
}
