package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/privet-dev/privet"
)

// The profiler listens only on loopback addresses; anything else is refused
// before a socket is opened, naming the flag.
func TestServePprofRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "10.1.2.3:0", "example.com:0", ":0", "127.0.0.1"} {
		t.Run(addr, func(t *testing.T) {
			stop, err := servePprof(context.Background(), addr)
			if err == nil {
				stop()
				t.Fatalf("servePprof(%q) succeeded", addr)
			}
			var pe *privet.Error
			if !errors.As(err, &pe) || pe.Field != "pprof" {
				t.Errorf("servePprof(%q) = %v, want a field error on pprof", addr, err)
			}
		})
	}
}

func TestServePprofOnLoopback(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	stop, err := servePprof(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get("http://" + addr + "/debug/pprof/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /debug/pprof/cmdline = %d, want 200", resp.StatusCode)
	}
}
