package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPolicyPublishAndVersions publishes versions of a tenant's policy from
// the command line and lists them.
func TestPolicyPublishAndVersions(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "init", "--data-dir", dir, "--tenant-name", "Acme")
	if code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	tenant := regexp.MustCompile(`tenant (ten_\w+)`).FindStringSubmatch(out)[1]
	example := filepath.Join("..", "..", "examples", "cipo-cloud", "policy.yaml")
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, edits ...string) string {
		s := string(data)
		for i := 0; i+1 < len(edits); i += 2 {
			if !strings.Contains(s, edits[i]) {
				t.Fatalf("the example changed: %q is gone", edits[i])
			}
			s = strings.Replace(s, edits[i], edits[i+1], 1)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	same := write("same.yaml", `version: "2021-02-05"`, `version: "2021-03"`, `effective: "2021-02-05"`, `effective: "2021-03-01"`)
	widened := write("widened.yaml", `version: "2021-02-05"`, `version: "2021-04"`, `effective: "2021-02-05"`, `effective: "2021-04-01"`,
		"categories: [user.contact.email, user.name, user.professional_information]\n", "categories: [user.contact.email, user.name, user.professional_information, user.contact.phone_number]\n")
	invalid := write("invalid.yaml", "basis: {EU: consent", "basis: {EU: maybe")

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    string
		wantErrOut string
	}{
		{"publish", []string{"policy", "publish", same, "--tenant", tenant, "--policy", example}, 0, "published version 2021-03", ""},
		{"publish again", []string{"policy", "publish", same, "--tenant", tenant}, 1, "", "conflict|already"},
		{"publish invalid", []string{"policy", "publish", invalid, "--tenant", tenant}, 1, "", `invalid\.yaml:\d+:\d+: purposes\[`},
		// A material change dated in the past gives no notice: refused.
		{"material change too late", []string{"policy", "publish", widened, "--tenant", tenant}, 1, "", "material change takes effect at least 30d"},
		{"versions", []string{"policy", "versions", "--tenant", tenant}, 0, "2021-03-01  in_force", ""},
		// The activation job is registered and periodic: it can be run now.
		{"activate", []string{"jobs", "run", "policy.activate"}, 0, "policy.activate done", ""},
		{"versions of another tenant", []string{"policy", "versions", "--tenant", "ten_nobody"}, 0, "no published versions", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, append(tt.args, "--data-dir", dir)...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stdout %s stderr %s", code, tt.wantCode, out, errOut)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("stdout %q lacks %q", out, tt.wantOut)
			}
			if tt.wantErrOut != "" && !regexp.MustCompile(tt.wantErrOut).MatchString(errOut) {
				t.Errorf("stderr %q does not match %q", errOut, tt.wantErrOut)
			}
		})
	}
}
