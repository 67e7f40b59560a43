package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRetentionFromTheCommandLine closes an account, reads the plan, holds
// the subject, sweeps, and releases the hold.
func TestRetentionFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "init", "--data-dir", dir, "--tenant-name", "Acme")
	if code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	tenant := regexp.MustCompile(`tenant (ten_\w+)`).FindStringSubmatch(out)[1]
	input := filepath.Join(dir, "ada.json")
	if err := os.WriteFile(input, []byte(`{"jurisdiction":"DE","identities":[{"type":"email","value":"ada@example.com"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"--data-dir", dir, "--demo", "--tenant", tenant}
	cli := func(args ...string) (int, string, string) { return run(t, append(args, base...)...) }
	code, out, errOut = cli("subjects", "create", "--file", input)
	if code != 0 {
		t.Fatalf("create: %d %s", code, errOut)
	}
	id := regexp.MustCompile(`"id": "(sub_\w+)"`).FindStringSubmatch(out)[1]
	if code, _, errOut = cli("subjects", "close", id); code != 0 {
		t.Fatalf("close: %d %s", code, errOut)
	}
	if code, out, errOut = cli("retention", "plan"); code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "delete") {
		t.Fatalf("plan: %d %s %s", code, out, errOut)
	}
	if code, _, errOut = cli("holds", "create", "--subject", id); code == 0 || !strings.Contains(errOut, "reason") {
		t.Fatalf("hold without a reason: %d %s", code, errOut)
	}
	if code, out, errOut = cli("holds", "create", "--subject", id, "--reason", "case 7"); code != 0 {
		t.Fatalf("hold: %d %s", code, errOut)
	}
	var h struct{ ID string }
	if err := json.Unmarshal([]byte(out), &h); err != nil || h.ID == "" {
		t.Fatalf("hold output %q: %v", out, err)
	}
	if code, out, _ = cli("holds", "list", "--active"); code != 0 || !strings.Contains(out, h.ID) {
		t.Fatalf("holds list: %d %s", code, out)
	}
	// Nothing is due yet: the sweep reports nothing, and the subject stays.
	code, out, errOut = run(t, "retention", "run", "--data-dir", dir, "--demo")
	if code != 0 || !strings.Contains(out, `"due": 0`) {
		t.Fatalf("run: %d %s %s", code, out, errOut)
	}
	if code, out, errOut = run(t, "jobs", "run", "retention.sweep", "--data-dir", dir, "--demo"); code != 0 || !strings.Contains(out, "retention.sweep done") {
		t.Fatalf("jobs run: %d %s %s", code, out, errOut)
	}
	if code, out, _ = cli("holds", "release", h.ID); code != 0 || !strings.Contains(out, "released_at") {
		t.Fatalf("release: %d %s", code, out)
	}
	if code, out, _ = cli("retention", "plan", "--before", "2000-01-01"); code != 0 || strings.Contains(out, id) {
		t.Fatalf("plan before 2000: %d %s", code, out)
	}
}
