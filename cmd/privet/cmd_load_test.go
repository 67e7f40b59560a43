package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/privet-dev/privet/config"
	"github.com/privet-dev/privet/loadgen"
)

// serveDemo runs a demo server in-process, as serve --demo would, and
// returns its base URL and admin key.
func serveDemo(t *testing.T) (baseURL, key string) {
	t.Helper()
	dir := t.TempDir()
	code, out, errOut := run(t, "init", "--data-dir", dir, "--tenant-name", "Load")
	if code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	key = secretLine.FindStringSubmatch(out)[1]
	return serveDir(t, dir), key
}

// serveDir runs a Main with the demo policy over an initialized data
// directory on a free port until the test ends, and returns its base URL.
func serveDir(t *testing.T, dir string) string {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir, cfg.Listen = dir, "127.0.0.1:0"
	m := NewMain(cfg, nil)
	pol, err := loadPolicy("", true)
	if err != nil {
		t.Fatal(err)
	}
	m.Policy = pol
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
		done <- nil // for the cleanup, which waits on it
		t.Fatalf("Run ended early: %v", err)
	}
	return "http://" + m.Addr
}

func TestLoadCommand(t *testing.T) {
	base, key := serveDemo(t)
	code, out, errOut := run(t, "load", "--url", base, "--key", key, "--clients", "4", "--requests", "20", "--duration", "30s", "--baseline", "--json")
	if code != 0 {
		t.Fatalf("load: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	var got struct{ Results []loadgen.Result }
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	phases := map[string]loadgen.Result{}
	for _, r := range got.Results {
		phases[r.Phase] = r
	}
	for _, name := range []string{"create", "get", "consent", "decide", "baseline"} {
		r, ok := phases[name]
		switch {
		case !ok:
			t.Errorf("no %s phase in %s", name, out)
		case r.Errors != 0 || r.Requests != 20 || r.PerSecond <= 0 || r.P99 < r.P50:
			t.Errorf("%s: %+v, want 20 requests, no errors, a rate", name, r)
		case name != "baseline" && r.OfBaseline <= 0:
			t.Errorf("%s: no ratio to the baseline: %+v", name, r)
		}
	}
	if strings.Contains(out, "@example.com") || strings.Contains(errOut, "@example.com") {
		t.Errorf("load printed an email address")
	}
}

func TestLoadCommandRefuses(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no url", []string{"load"}, 2, "--url"},
		{"no key", []string{"load", "--url", "http://127.0.0.1:1"}, 2, "--key"},
		{"not loopback", []string{"load", "--url", "http://example.com", "--key", "k"}, 2, "loopback"},
		{"too many clients", []string{"load", "--baseline", "--clients", "100000"}, 2, "clients"},
		{"unreachable", []string{"load", "--url", "http://127.0.0.1:1", "--key", "k", "--requests", "2", "--clients", "1"}, 1, "no subject was created"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := run(t, tt.args...)
			if code != tt.wantCode || !regexp.MustCompile(regexp.QuoteMeta(tt.wantErr)).MatchString(errOut) {
				t.Errorf("exit %d %q, want %d and %q", code, errOut, tt.wantCode, tt.wantErr)
			}
		})
	}
}
