package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func noEnv(string) (string, bool) { return "", false }

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Execute(context.Background(), args, &out, &errOut, noEnv)
	return code, out.String(), errOut.String()
}

func TestCommands(t *testing.T) {
	good := filepath.Join("..", "..", "examples", "cipo-cloud", "policy.yaml")
	bad := filepath.Join("testdata", "bad.yaml")
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    string // substring of stdout
		wantErrOut string // regexp on stderr
	}{
		{"version", []string{"version"}, 0, "privet ", ""},
		{"bad flag", []string{"version", "--nope"}, 2, "", `^privet: unknown flag: --nope\n`},
		{"unknown command", []string{"frobnicate"}, 2, "", `^privet: unknown command`},
		{"missing argument", []string{"policy", "check"}, 2, "", `^privet: requires at least 1 arg`},
		{"missing required flag", []string{"keys", "list"}, 2, "", `required flag`},
		{"invalid config", []string{"migrate", "--log-level", "loud"}, 2, "", `--log-level`},
		{"policy check ok", []string{"policy", "check", good}, 0, "ok", ""},
		{"policy check bad", []string{"policy", "check", good, bad}, 1, "", `bad\.yaml:\d+:\d+: `},
		{"policy check missing", []string{"policy", "check", "testdata/none.yaml"}, 1, "", `none\.yaml: `},
		{"policy render md", []string{"policy", "render", good, "--format", "md"}, 0, "#", ""},
		{"policy render bad format", []string{"policy", "render", good, "--format", "pdf"}, 2, "", `--format`},
		{"serve without init", []string{"serve", "--data-dir", "DATADIR", "--listen", "127.0.0.1:0"}, 1, "", `^privet: no master key .*privet init`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for i := range tt.args {
				tt.args[i] = strings.ReplaceAll(tt.args[i], "DATADIR", dir)
			}
			code, out, errOut := run(t, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errOut)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("stdout lacks %q: %s", tt.wantOut, out)
			}
			if tt.wantErrOut != "" && !regexp.MustCompile(tt.wantErrOut).MatchString(errOut) {
				t.Errorf("stderr %q does not match %s", errOut, tt.wantErrOut)
			}
		})
	}
}

var secretLine = regexp.MustCompile(`(?m)^  (\S+)$`)

// TestEndToEnd initializes a data directory, serves it on a free port,
// creates a key through the command line and calls the API with it.
func TestEndToEnd(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "init", "--data-dir", dir, "--tenant-name", "Acme")
	if code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	tenantID := regexp.MustCompile(`tenant (ten_\w+)`).FindStringSubmatch(out)[1]
	if code, _, _ := run(t, "init", "--data-dir", dir); code != 1 {
		t.Errorf("second init: exit %d, want 1", code)
	}

	base := serveDir(t, dir)
	if res, err := http.Get(base + "/readyz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", res, err)
	}

	code, out, errOut = run(t, "keys", "create", "--data-dir", dir, "--tenant", tenantID, "--name", "e2e", "--scopes", "vault:read")
	if code != 0 {
		t.Fatalf("keys create: %d %s", code, errOut)
	}
	secret := secretLine.FindStringSubmatch(out)[1]
	req, _ := http.NewRequest("GET", base+"/v1/tenant", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(body.String(), `"name":"Acme"`) {
		t.Fatalf("GET /v1/tenant = %d %s", res.StatusCode, body.String())
	}
}
