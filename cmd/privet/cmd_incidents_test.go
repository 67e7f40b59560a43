package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
