package loadgen_test

import (
	"net"
	"net/url"
	"testing"

	"github.com/privet-dev/privet/loadgen"
)

func TestCheckLoopback(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://127.1.2.3", true},
		{"https://localhost:8443/", true},
		{"http://LOCALHOST", true},
		{"http://[::1]:8080", true},
		{"http://10.0.0.1:8080", false},
		{"http://example.com", false},
		{"http://127.0.0.1.example.com", false},
		{"http://localhost.example.com", false},
		{"ftp://127.0.0.1", false},
		{"127.0.0.1:8080", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			if err := loadgen.CheckLoopback(tt.url); (err == nil) != tt.ok {
				t.Errorf("CheckLoopback(%q) = %v, want ok=%v", tt.url, err, tt.ok)
			}
		})
	}
}

// FuzzCheckLoopback checks that nothing it accepts points off this machine.
func FuzzCheckLoopback(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:1", "http://[::1]", "http://localhost", "http://[::ffff:127.0.0.1]", "http://0x7f.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if loadgen.CheckLoopback(s) != nil {
			return
		}
		u, err := url.Parse(s)
		if err != nil {
			t.Fatalf("accepted an unparsable URL %q", s)
		}
		host := u.Hostname()
		if ip := net.ParseIP(host); host != "localhost" && host != "LOCALHOST" && (ip == nil || !ip.IsLoopback()) {
			if ip == nil && len(host) == len("localhost") {
				return // localhost in mixed case
			}
			t.Fatalf("accepted %q, whose host %q is not loopback", s, host)
		}
	})
}
