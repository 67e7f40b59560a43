package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
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
	// The server listens before its consent memory is filled: wait for it.
	if err := m.Consent.Start(context.Background()); err != nil {
		t.Fatal(err)
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

// TestSeedThenLoadSeeded seeds subjects through the vault from the command
// line, finds one by its seeded email, checks that each create was audited,
// then loads gets over the seeded emails of a server on that directory.
func TestSeedThenLoadSeeded(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "init", "--data-dir", dir, "--tenant-name", "Seed")
	if code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	key := secretLine.FindStringSubmatch(out)[1]
	tenant := regexp.MustCompile(`tenant (ten_\w+)`).FindStringSubmatch(out)[1]
	events := func() int {
		t.Helper()
		code, out, errOut := run(t, "audit", "verify", "--data-dir", dir, "--tenant", tenant)
		m := regexp.MustCompile(`verified: (\d+) events`).FindStringSubmatch(out)
		if code != 0 || m == nil {
			t.Fatalf("audit verify: %d %s %s", code, out, errOut)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	before := events()

	const seeded = 30
	code, out, errOut = run(t, "subjects", "seed", "--data-dir", dir, "--demo", "--tenant", tenant,
		"--count", strconv.Itoa(seeded), "--workers", "8", "--prefix", "p", "--json")
	if code != 0 {
		t.Fatalf("seed: %d %s %s", code, out, errOut)
	}
	var res loadgen.SeedResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Created != seeded || res.PerSecond <= 0 {
		t.Fatalf("seed output %q (%v), want %d created and a rate", out, err, seeded)
	}
	if strings.Contains(out+errOut, "@example.com") {
		t.Errorf("seed printed an email address: %s %s", out, errOut)
	}
	if got := events() - before; got != seeded {
		t.Errorf("the seed appended %d audit events, want one per subject (%d)", got, seeded)
	}
	// Each is stored and opens under its own data key (the lookups by
	// email below show their blind indexes).
	code, out, errOut = run(t, "subjects", "list", "--data-dir", dir, "--demo", "--tenant", tenant)
	var subs []struct{ ID string }
	if err := json.Unmarshal([]byte(out), &subs); code != 0 || err != nil || len(subs) != seeded {
		t.Fatalf("list: %d %v %s: %d subjects, want %d", code, err, errOut, len(subs), seeded)
	}
	code, out, errOut = run(t, "subjects", "get", subs[seeded/2].ID, "--data-dir", dir, "--demo", "--tenant", tenant,
		"--purpose", "essential.service")
	if code != 0 || !strings.Contains(out, "Load Test Person") {
		t.Errorf("get a seeded subject: %d %s %s", code, out, errOut)
	}
	// Resuming where it stopped: numbers already made conflict.
	if code, _, errOut = run(t, "subjects", "seed", "--data-dir", dir, "--demo", "--tenant", tenant,
		"--count", "1", "--from", strconv.Itoa(seeded-1), "--prefix", "p"); code == 0 || strings.Contains(errOut, "@example.com") {
		t.Errorf("seeding a number twice: exit %d %s, want a failure naming no value", code, errOut)
	}

	base := serveDir(t, dir)
	load := func(prefix string) (int, []loadgen.Result, string) {
		code, out, errOut := run(t, "load", "--url", base, "--key", key, "--clients", "4", "--requests", "40",
			"--seeded", strconv.Itoa(seeded), "--seed-prefix", prefix, "--json")
		var got struct{ Results []loadgen.Result }
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("load output %q: %v (%s)", out, err, errOut)
		}
		return code, got.Results, errOut
	}
	code, results, errOut := load("p")
	if code != 0 || len(results) != 1 || results[0].Phase != "get" || results[0].Requests != 40 || results[0].Errors != 0 {
		t.Fatalf("load --seeded: exit %d %+v %s, want 40 gets alone, none failed", code, results, errOut)
	}
	// Gets aimed at emails nobody seeded fail: the gets read the pattern.
	if code, results, _ = load("q"); code != 1 || results[0].Errors != 40 {
		t.Errorf("load --seeded with another prefix: exit %d %+v, want every get to fail", code, results)
	}
}
