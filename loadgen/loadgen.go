// Package loadgen drives a running privet server over HTTP with concurrent
// clients and reports throughput, latency percentiles and errors. It backs
// `privet load`, which produces the numbers in BENCHMARKS.md: speed targets
// live in measurements like these, never in timed tests.
package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a run.
type Options struct {
	BaseURL  string        // e.g. http://127.0.0.1:8080
	APIKey   string        // a key with vault:read and vault:write
	Clients  int           // concurrent clients (default 16)
	Duration time.Duration // how long each phase runs (default 10s)
	// Requests caps each phase's requests; 0 means no cap. A run stops at
	// whichever of Duration and Requests comes first.
	Requests int
	Purpose  string // purpose for reads (default essential.service)
}

// Result is one phase's outcome.
type Result struct {
	Phase     string        `json:"phase"`
	Clients   int           `json:"clients"`
	Requests  int64         `json:"requests"`
	Errors    int64         `json:"errors"`
	Elapsed   time.Duration `json:"elapsed"`
	PerSecond float64       `json:"per_second"`
	P50       time.Duration `json:"p50"`
	P99       time.Duration `json:"p99"`
	// FirstError describes the first failure (status and code, no body).
	FirstError string `json:"first_error,omitempty"`
}

func (r Result) String() string {
	return fmt.Sprintf("%-8s clients=%d requests=%d errors=%d rate=%.0f/s p50=%s p99=%s",
		r.Phase, r.Clients, r.Requests, r.Errors, r.PerSecond, r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond))
}

// Run creates subjects (five fields, two identities each) for one phase,
// then looks them up by email for the next, and returns both results.
func Run(ctx context.Context, opt Options) ([]Result, error) {
	if opt.Clients <= 0 {
		opt.Clients = 16
	}
	if opt.Duration <= 0 {
		opt.Duration = 10 * time.Second
	}
	if opt.Purpose == "" {
		opt.Purpose = "essential.service"
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: opt.Clients * 2}, Timeout: 30 * time.Second}
	run := fmt.Sprintf("%x", time.Now().UnixNano())

	var created []string // emails, for the read phase
	var mu sync.Mutex
	create := func(ctx context.Context, worker, i int) (int, error) {
		email := fmt.Sprintf("load-%s-%d-%d@example.com", run, worker, i)
		body := map[string]any{
			"jurisdiction": "DE",
			"identities": []map[string]string{
				{"type": "email", "value": email},
				{"type": "external_id", "value": fmt.Sprintf("u-%s-%d-%d", run, worker, i)},
			},
			"fields": []map[string]string{
				{"name": "name", "category": "user.name", "value": "Load Test Person"},
				{"name": "phone", "category": "user.contact.phone_number", "value": "+4930123456"},
				{"name": "company", "category": "user.professional_information", "value": "Example GmbH"},
				{"name": "avatar", "category": "user.content.self_image", "value": "https://example.com/a.png"},
				{"name": "address", "category": "user.contact.address", "value": "Example Street 1, Berlin"},
			},
		}
		status, err := post(ctx, client, opt, "/v1/subjects", body)
		if err == nil && status == http.StatusCreated {
			mu.Lock()
			created = append(created, email)
			mu.Unlock()
		}
		return status, err
	}
	res := []Result{phase(ctx, "create", opt, http.StatusCreated, create)}

	if len(created) == 0 {
		return res, fmt.Errorf("no subject was created: %s", res[0].FirstError)
	}
	get := func(ctx context.Context, worker, i int) (int, error) {
		email := created[(worker*7919+i)%len(created)]
		return post(ctx, client, opt, "/v1/subjects/lookup", map[string]any{"type": "email", "value": email, "purpose": opt.Purpose})
	}
	res = append(res, phase(ctx, "get", opt, http.StatusOK, get))
	return res, nil
}

func post(ctx context.Context, client *http.Client, opt Options, path string, body any) (int, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, opt.BaseURL+path, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+opt.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// phase runs op from opt.Clients goroutines until the duration or request
// cap is reached, and summarizes latencies as medians and tails.
func phase(ctx context.Context, name string, opt Options, want int, op func(ctx context.Context, worker, i int) (int, error)) Result {
	ctx, cancel := context.WithTimeout(ctx, opt.Duration)
	defer cancel()
	var (
		count, errs atomic.Int64
		firstErr    atomic.Value
		wg          sync.WaitGroup
	)
	lat := make([][]time.Duration, opt.Clients)
	start := time.Now()
	for w := range opt.Clients {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				if opt.Requests > 0 && count.Add(1) > int64(opt.Requests) {
					count.Add(-1)
					return
				} else if opt.Requests == 0 {
					count.Add(1)
				}
				t0 := time.Now()
				status, err := op(ctx, w, i)
				if ctx.Err() != nil && err != nil {
					count.Add(-1) // cut off by the end of the phase, not a failure
					return
				}
				lat[w] = append(lat[w], time.Since(t0))
				if err != nil || status != want {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("status %d: %v", status, err))
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	r := Result{Phase: name, Clients: opt.Clients, Requests: count.Load(), Errors: errs.Load(), Elapsed: elapsed,
		PerSecond: float64(count.Load()) / elapsed.Seconds()}
	if len(all) > 0 {
		r.P50, r.P99 = all[len(all)/2], all[len(all)*99/100]
	}
	if s, ok := firstErr.Load().(string); ok {
		r.FirstError = s
	}
	return r
}
