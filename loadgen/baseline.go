package loadgen

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/privet-dev/privet"
)

// Baseline loads a bare net/http handler that answers 200 "ok", served in
// this process on a loopback port, with the same clients and bounds as Run.
// Its rate is the ceiling on this machine: what HTTP alone costs, before any
// JSON, crypto, storage or audit, so privet's rates can be read as a ratio.
func Baseline(ctx context.Context, opt Options) (Result, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return Result{}, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Result{}, privet.Errorf(privet.EUNAVAILABLE, "cannot listen on a loopback port for the baseline")
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte("ok"))
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	client := newClient(opt)
	defer client.CloseIdleConnections()
	url := "http://" + ln.Addr().String() + "/"
	get := func(ctx context.Context, _, _ int) (int, error) {
		return send(ctx, client, http.MethodGet, url, "", nil, nil)
	}
	return phase(ctx, "baseline", opt, http.StatusOK, get), nil
}
