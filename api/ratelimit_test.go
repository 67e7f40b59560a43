package api_test

import (
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/api"
)

func TestRateLimiter(t *testing.T) {
	type req struct {
		advance time.Duration
		addr    string
		allowed bool
	}
	tests := []struct {
		name       string
		burst, max int
		reqs       []req
	}{
		{name: "burst then limited", burst: 2, max: 10, reqs: []req{
			{0, "192.0.2.1:1", true}, {0, "192.0.2.1:2", true}, {0, "192.0.2.1:3", false},
		}},
		{name: "refills at the rate", burst: 1, max: 10, reqs: []req{
			{0, "192.0.2.1:1", true}, {500 * time.Millisecond, "192.0.2.1:1", false}, {500 * time.Millisecond, "192.0.2.1:1", true},
		}},
		{name: "one bucket per /24", burst: 1, max: 10, reqs: []req{
			{0, "192.0.2.1:1", true}, {0, "192.0.2.200:1", false}, {0, "192.0.3.1:1", true},
		}},
		{name: "one bucket per /48", burst: 1, max: 10, reqs: []req{
			{0, "[2001:db8:1:2::1]:1", true}, {0, "[2001:db8:1:ffff::9]:1", false}, {0, "[2001:db8:2::1]:1", true},
		}},
		{name: "mapped IPv4 is IPv4", burst: 1, max: 10, reqs: []req{
			{0, "192.0.2.1", true}, {0, "[::ffff:192.0.2.7]:80", false},
		}},
		{name: "a full map sends new clients to the overflow bucket", burst: 1, max: 1, reqs: []req{
			{0, "192.0.2.1:1", true}, {0, "198.51.100.1:1", true}, {0, "203.0.113.1:1", false},
		}},
		{name: "a full map forgets refilled clients", burst: 1, max: 1, reqs: []req{
			{0, "192.0.2.1:1", true}, {2 * time.Second, "198.51.100.1:1", true}, {0, "198.51.100.1:1", false}, {0, "203.0.113.1:1", true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := privet.NewManualClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
			l := api.NewRateLimiter(clock, 1, tt.burst, tt.max)
			for i, r := range tt.reqs {
				clock.Advance(r.advance)
				if got := l.Allow(r.addr); got != r.allowed {
					t.Fatalf("request %d from %s: allowed %v, want %v", i, r.addr, got, r.allowed)
				}
			}
		})
	}
}

// FuzzRateLimiterAddr feeds the limiter any remote address: it must never
// panic, and a fresh limiter always lets the first request through.
func FuzzRateLimiterAddr(f *testing.F) {
	for _, s := range []string{"192.0.2.1:80", "[2001:db8::1]:443", "::ffff:10.0.0.1", "fe80::1%eth0", "", "not an address", "[::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		l := api.NewRateLimiter(privet.NewManualClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)), 1, 1, 4)
		if !l.Allow(addr) {
			t.Fatalf("first request from %q refused", addr)
		}
		if l.Allow(addr) {
			t.Fatalf("second request from %q allowed past a burst of 1", addr)
		}
	})
}
