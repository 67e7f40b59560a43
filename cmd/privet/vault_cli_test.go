package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestVaultFromTheCommandLine walks a subject's life through the CLI, then
// checks the audit log, a backup and a key rotation.
func TestVaultFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "init", "--data-dir", dir, "--tenant-name", "Acme")
	if code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	tenant := regexp.MustCompile(`tenant (ten_\w+)`).FindStringSubmatch(out)[1]
	input := filepath.Join(dir, "ada.json")
	if err := os.WriteFile(input, []byte(`{"jurisdiction":"DE","identities":[{"type":"email","value":"ada@example.com"}],
		"fields":[{"name":"name","category":"user.name","value":"Ada Lovelace"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"--data-dir", dir, "--demo", "--tenant", tenant}
	cli := func(args ...string) (int, string, string) { return run(t, append(args, base...)...) }

	code, out, errOut = cli("subjects", "create", "--file", input)
	if code != 0 {
		t.Fatalf("create: %d %s", code, errOut)
	}
	var created struct{ ID string }
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatalf("create output %q: %v", out, err)
	}
	if code, out, _ = cli("subjects", "get", created.ID, "--purpose", "essential.service", "--masked"); code != 0 || !strings.Contains(out, "a***@example.com") {
		t.Fatalf("get: %d %s", code, out)
	}
	if code, _, errOut = cli("subjects", "get", created.ID, "--purpose", "spying"); code != 1 || !strings.Contains(errOut, "purpose") {
		t.Fatalf("get for an undeclared purpose: %d %s", code, errOut)
	}
	if code, _, errOut = cli("subjects", "create", "--file", input); code != 1 || strings.Contains(errOut, "ada@") {
		t.Fatalf("duplicate create: %d %s", code, errOut)
	}
	if code, out, _ = cli("subjects", "close", created.ID); code != 0 || !strings.Contains(out, "closed") {
		t.Fatalf("close: %d %s", code, out)
	}

	// A backup taken now, then the erasure.
	if code, _, errOut = run(t, "backup", "--data-dir", dir, "--data", filepath.Join(dir, "b-data.db"), "--keys", filepath.Join(dir, "b-keys.db")); code != 0 {
		t.Fatalf("backup: %d %s", code, errOut)
	}
	if code, _, errOut = cli("subjects", "erase", created.ID); code != 0 {
		t.Fatalf("erase: %d %s", code, errOut)
	}
	if code, out, _ = cli("subjects", "list", "--status", "erased"); code != 0 || !strings.Contains(out, created.ID) {
		t.Fatalf("list erased: %d %s", code, out)
	}

	// The audit log verifies, and holds no personal data.
	if code, out, errOut = run(t, "audit", "checkpoint", "--data-dir", dir, "--tenant", tenant); code != 0 {
		t.Fatalf("checkpoint: %d %s", code, errOut)
	}
	if code, out, errOut = run(t, "audit", "verify", "--data-dir", dir, "--tenant", tenant); code != 0 || !strings.Contains(out, "verified") || !strings.Contains(out, "1 signed checkpoints") {
		t.Fatalf("verify: %d %s %s", code, out, errOut)
	}
	// Rotation: a new version, data keys re-wrapped, everything still opens.
	other := filepath.Join(dir, "bob.json")
	os.WriteFile(other, []byte(`{"jurisdiction":"FR","identities":[{"type":"email","value":"bob@example.com"}]}`), 0o600)
	if code, out, errOut = cli("subjects", "create", "--file", other); code != 0 {
		t.Fatalf("create bob: %d %s", code, errOut)
	}
	bob := regexp.MustCompile(`"id": "(sub_\w+)"`).FindStringSubmatch(out)[1]
	if code, out, errOut = run(t, "keys", "rotate", "--now", "--data-dir", dir); code != 0 || !strings.Contains(out, "re-wrapped 1 data keys") || !strings.Contains(out, "0 waiting") {
		t.Fatalf("rotate: %d %s %s", code, out, errOut)
	}
	if code, out, _ = cli("subjects", "get", bob, "--purpose", "essential.service"); code != 0 || !strings.Contains(out, "bob@example.com") {
		t.Fatalf("get after rotation: %d %s", code, out)
	}
	// The periodic checkpoint job, run once from the command line, signs the
	// new head; run again with nothing new, it signs nothing twice.
	if code, out, errOut = run(t, "jobs", "run", "audit.checkpoint", "--data-dir", dir); code != 0 {
		t.Fatalf("jobs run: %d %s %s", code, out, errOut)
	}
	if code, out, errOut = run(t, "jobs", "run", "audit.checkpoint", "--data-dir", dir); code != 0 {
		t.Fatalf("jobs run: %d %s %s", code, out, errOut)
	}
	if code, out, _ = run(t, "audit", "verify", "--data-dir", dir, "--tenant", tenant); code != 0 || !strings.Contains(out, "2 signed checkpoints") {
		t.Fatalf("verify after the job: %d %s", code, out)
	}
	if code, _, errOut = run(t, "jobs", "run", "audit.checkpoint", "--data-dir", dir); code != 0 {
		t.Fatalf("jobs run again: %d %s", code, errOut)
	}
	if code, out, _ = run(t, "audit", "verify", "--data-dir", dir, "--tenant", tenant); code != 0 || !strings.Contains(out, "2 signed checkpoints") {
		t.Fatalf("verify after a second run: %d %s", code, out)
	}
	if code, _, _ = run(t, "jobs", "run", "no.such.job", "--data-dir", dir); code != 2 {
		t.Fatalf("unknown job: exit %d, want 2", code)
	}

}

// TestRequestsFromTheCommandLine files, lists, denies and reports on a
// request through the CLI.
func TestRequestsFromTheCommandLine(t *testing.T) {
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
	var created struct{ ID string }
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = cli("requests", "file", "--subject", created.ID, "--type", "erasure")
	if code != 0 {
		t.Fatalf("file: %d %s", code, errOut)
	}
	id := regexp.MustCompile(`request (req_\w+)`).FindStringSubmatch(out)[1]
	if code, out, _ = cli("requests", "list", "--open"); code != 0 || !strings.Contains(out, id) {
		t.Fatalf("list: %d %s", code, out)
	}
	if code, _, errOut = cli("requests", "deny", id); code != 1 || !strings.Contains(errOut, "reason") {
		t.Fatalf("deny without a reason: %d %s", code, errOut)
	}
	if code, out, _ = cli("requests", "deny", id, "--reason", "excessive"); code != 0 || !strings.Contains(out, "denied") {
		t.Fatalf("deny: %d %s", code, out)
	}
	if code, out, _ = cli("requests", "show", id); code != 0 || !strings.Contains(out, `"deny_reason": "excessive"`) || strings.Contains(out, "ada@") {
		t.Fatalf("show: %d %s", code, out)
	}
	code, out, errOut = cli("requests", "report", "--from", "2000-01-01", "--to", "2100-01-01", "--format", "csv")
	if code != 0 || !strings.Contains(out, "erasure,1,0,0,0,1,excessive=1") {
		t.Fatalf("report: %d %s %s", code, out, errOut)
	}
	if code, _, errOut = cli("requests", "report", "--from", "yesterday", "--to", "2100-01-01"); code != 1 || !strings.Contains(errOut, "from") {
		t.Fatalf("bad --from: %d %s", code, errOut)
	}
}
