package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/privet-dev/privet"
)

// A run waits while the server says it is not ready, then starts.
func TestWaitReadyWaitsForReadyz(t *testing.T) {
	readyPoll = 0
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			t.Errorf("asked %s, want /readyz", r.URL.Path)
		}
		if asked.Add(1) <= 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	if err := waitReady(context.Background(), srv.Client(), srv.URL, time.Minute); err != nil {
		t.Fatal(err)
	}
	if got := asked.Load(); got != 4 {
		t.Errorf("asked /readyz %d times, want 4 (three 503s, then 200)", got)
	}
}

// A server that never becomes ready fails the run with EUNAVAILABLE, saying
// what /readyz answered.
func TestWaitReadyGivesUp(t *testing.T) {
	readyPoll = 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	err := waitReady(context.Background(), srv.Client(), srv.URL, 10*time.Millisecond)
	if privet.ErrorCode(err) != privet.EUNAVAILABLE {
		t.Fatalf("waitReady = %v, want EUNAVAILABLE", err)
	}
	if !strings.Contains(err.Error(), "readyz") {
		t.Errorf("error %q does not name /readyz", err)
	}
}

// No answer at all starts the run: an unreachable server fails its first
// phase, which says so, instead of a wait for a server that is not there.
func TestWaitReadyDoesNotWaitForNoServer(t *testing.T) {
	readyPoll = 0
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	if err := waitReady(context.Background(), http.DefaultClient, url, time.Hour); err != nil {
		t.Fatalf("waitReady with no server = %v, want nil at once", err)
	}
}
