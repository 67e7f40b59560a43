package loadgen

import (
	"context"
	"net/http"
	"time"

	"github.com/privet-dev/privet"
)

// DefaultReadyTimeout bounds the wait for a server to become ready: a server
// with a large consent ledger listens at once but answers 503 on /readyz
// until its decision memory is filled, which takes minutes at 10,000,000
// events.
const DefaultReadyTimeout = 10 * time.Minute

// readyPoll is how often waitReady asks again.
var readyPoll = 250 * time.Millisecond

// waitReady asks the server's /readyz until it answers 200, so that a run
// measures a server that serves, not one still filling its memory (whose
// writes and decisions fail with 503 meanwhile). It gives up after timeout
// or when ctx ends.
func waitReady(ctx context.Context, client *http.Client, baseURL string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	last := "no answer"
	for {
		status, err := send(ctx, client, http.MethodGet, baseURL+"/readyz", "", nil, nil)
		switch {
		case err == nil && status == http.StatusOK:
			return nil
		case err != nil && status == 0:
			last = "no answer"
		default:
			last = http.StatusText(status)
		}
		select {
		case <-ctx.Done():
			return privet.Errorf(privet.EUNAVAILABLE, "the server was not ready within %s (/readyz: %s)", timeout, last)
		case <-time.After(readyPoll):
		}
	}
}
