package api

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/privet-dev/privet"
)

func TestForwardedClient(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:ff::/48")}
	tests := []struct {
		name      string
		peer      string
		forwarded []string
		want      string // "" when the peer address stays
	}{
		{"untrusted peer keeps its address", "198.51.100.7:5000", []string{"203.0.113.9"}, ""},
		{"trusted peer, one client", "10.1.2.3:5000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"a client cannot spoof by prepending", "10.1.2.3:5000", []string{"1.2.3.4, 203.0.113.9"}, "203.0.113.9"},
		{"proxies in the chain are skipped", "10.1.2.3:5000", []string{"203.0.113.9, 10.9.9.9"}, "203.0.113.9"},
		{"several header lines form one chain", "10.1.2.3:5000", []string{"203.0.113.9", "10.9.9.9"}, "203.0.113.9"},
		{"a malformed entry stops the walk", "10.1.2.3:5000", []string{"203.0.113.9, bogus, 10.9.9.9"}, "10.9.9.9"},
		{"only proxies: the farthest one", "10.1.2.3:5000", []string{"10.9.9.9, 10.8.8.8"}, "10.9.9.9"},
		{"no header", "10.1.2.3:5000", nil, ""},
		{"IPv6 proxy and mapped client", "[2001:db8:ff::1]:443", []string{"::ffff:203.0.113.9"}, "203.0.113.9"},
		{"entries with ports", "10.1.2.3:5000", []string{"[2001:db8:1::5]:1234"}, "2001:db8:1::5"},
		{"unparsable peer", "garbage", []string{"203.0.113.9"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := forwardedClient(trusted, tt.peer, tt.forwarded)
			if tt.want == "" {
				if ok {
					t.Fatalf("client %s, want the peer kept", got)
				}
				return
			}
			if !ok || got.String() != tt.want {
				t.Fatalf("client %s (%v), want %s", got, ok, tt.want)
			}
		})
	}
}

// TestClientAddressRateLimits proves the point of the setting: behind a
// trusted proxy each client gets its own public rate limit, and without the
// setting a forged header buys nothing.
func TestClientAddressRateLimits(t *testing.T) {
	clock := privet.NewManualClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	serve := func(trusted []netip.Prefix) func(forwarded string) int {
		limiter := newRateLimiter(clock, 1, 1, 100)
		h := clientAddress(trusted, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !limiter.allow(r.RemoteAddr) {
				w.WriteHeader(http.StatusTooManyRequests)
			}
		}))
		return func(forwarded string) int {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = "10.0.0.2:40000"
			r.Header.Set("X-Forwarded-For", forwarded)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w.Code
		}
	}
	behindProxy := serve([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/24")})
	for _, client := range []string{"203.0.113.1", "198.51.100.1"} {
		if code := behindProxy(client); code != http.StatusOK {
			t.Fatalf("first request of %s behind the proxy: %d", client, code)
		}
	}
	if code := behindProxy("203.0.113.1"); code != http.StatusTooManyRequests {
		t.Fatalf("second request of one client behind the proxy: %d, want 429", code)
	}
	direct := serve(nil)
	if code := direct("203.0.113.1"); code != http.StatusOK {
		t.Fatalf("first direct request: %d", code)
	}
	if code := direct("198.51.100.1"); code != http.StatusTooManyRequests {
		t.Fatalf("a forged X-Forwarded-For escaped the limit: %d, want 429", code)
	}
}

func FuzzForwardedClient(f *testing.F) {
	f.Add("10.1.2.3:5000", "203.0.113.9, 10.9.9.9")
	f.Add("[2001:db8:ff::1]:443", "[::1]:2, ,,")
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:ff::/48")}
	f.Fuzz(func(t *testing.T, peer, forwarded string) {
		a, ok := forwardedClient(trusted, peer, []string{forwarded})
		if ok && !a.IsValid() {
			t.Fatalf("reported a client without a valid address")
		}
	})
}
