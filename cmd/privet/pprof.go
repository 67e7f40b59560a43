package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/privet-dev/privet"
)

// servePprof serves Go's profiler on addr, a loopback address, until ctx
// ends. It is off unless serve --pprof names an address: profiles show
// what runs, never request bodies, but nothing beyond this machine may ask.
func servePprof(ctx context.Context, addr string) (func(), error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, privet.FieldError("pprof", "pprof must be host:port")
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, privet.FieldError("pprof", "pprof listens only on a loopback address (127.0.0.0/8, ::1 or localhost)")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "pprof: cannot listen on %s", addr)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return
		}
	}()
	return func() { _ = srv.Shutdown(context.WithoutCancel(ctx)) }, nil
}
