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

// waitReady asks the server's /readyz while it answers 503, so that a run
// measures a server that serves, not one still filling its memory (whose
// writes and decisions fail with 503 meanwhile). Any other answer, or none,
// starts the run at once: an unreachable server fails its first phase,
// which says so. It gives up after timeout or when ctx ends.
func waitReady(ctx context.Context, client *http.Client, baseURL string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	notReady := privet.Errorf(privet.EUNAVAILABLE, "the server was not ready within %s (/readyz answered 503)", timeout)
	for {
		status, _ := send(ctx, client, http.MethodGet, baseURL+"/readyz", "", nil, nil)
		switch {
		case ctx.Err() != nil:
			return notReady
		case status != http.StatusServiceUnavailable:
			return nil
		}
		select {
		case <-ctx.Done():
			return notReady
		case <-time.After(readyPoll):
		}
	}
}
