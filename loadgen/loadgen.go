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
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/privet-dev/privet"
)

// Bounds on a run, so that a typo cannot start an endless or unbounded load.
const (
	MaxClients  = 1024
	MaxDuration = time.Hour
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
	// GetDuration bounds the get phase when set, so that a long create
	// phase (loading many subjects) can be followed by a short measurement.
	GetDuration time.Duration
	// Seeded, when set, makes the run a get phase alone over subjects made
	// earlier by the seed command (`privet subjects seed`): each get looks
	// up SeededEmail(SeedPrefix, i) for i drawn uniformly from 0..Seeded-1,
	// so the reads spread over the whole store, not only its newest rows.
	Seeded     int
	SeedPrefix string // default DefaultSeedPrefix
	// ReadyTimeout bounds the wait while the server's /readyz answers 503
	// before the first phase (default DefaultReadyTimeout).
	ReadyTimeout time.Duration
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
	// FirstError describes the first failure (status and transport error,
	// never a response body, which could echo personal data).
	FirstError string `json:"first_error,omitempty"`
	// OfBaseline is PerSecond divided by the bare handler's rate, when a
	// baseline was measured in the same run (see CompareToBaseline).
	OfBaseline float64 `json:"of_baseline,omitempty"`
}

func (r Result) String() string {
	s := fmt.Sprintf("%-8s clients=%d requests=%d errors=%d rate=%.0f/s p50=%s p99=%s",
		r.Phase, r.Clients, r.Requests, r.Errors, r.PerSecond, r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond))
	if r.OfBaseline > 0 {
		s += fmt.Sprintf(" of_baseline=%.3f", r.OfBaseline)
	}
	return s
}

// CompareToBaseline sets OfBaseline on every result that is not the baseline itself.
func CompareToBaseline(results []Result, baseline Result) {
	if baseline.PerSecond <= 0 {
		return
	}
	for i := range results {
		if results[i].Phase != baseline.Phase {
			results[i].OfBaseline = results[i].PerSecond / baseline.PerSecond
		}
	}
}

// withDefaults fills unset options and rejects ones outside the bounds.
func (opt Options) withDefaults() (Options, error) {
	if opt.Clients == 0 {
		opt.Clients = 16
	}
	if opt.Duration == 0 {
		opt.Duration = 10 * time.Second
	}
	if opt.Purpose == "" {
		opt.Purpose = "essential.service"
	}
	if opt.SeedPrefix == "" {
		opt.SeedPrefix = DefaultSeedPrefix
	}
	if opt.ReadyTimeout == 0 {
		opt.ReadyTimeout = DefaultReadyTimeout
	}
	opt.BaseURL = strings.TrimSuffix(opt.BaseURL, "/")
	switch {
	case opt.Clients < 1 || opt.Clients > MaxClients:
		return opt, privet.FieldError("clients", "clients must be between 1 and %d", MaxClients)
	case opt.Duration < 0 || opt.Duration > MaxDuration || opt.GetDuration < 0 || opt.GetDuration > MaxDuration:
		return opt, privet.FieldError("duration", "duration must be positive and at most %s", MaxDuration)
	case opt.ReadyTimeout < 0 || opt.ReadyTimeout > MaxDuration:
		return opt, privet.FieldError("ready_timeout", "ready timeout must be positive and at most %s", MaxDuration)
	case opt.Requests < 0:
		return opt, privet.FieldError("requests", "requests must not be negative")
	case opt.Seeded < 0 || opt.Seeded > MaxSeedCount:
		return opt, privet.FieldError("seeded", "seeded must be between 0 and %d", MaxSeedCount)
	}
	return opt, nil
}

func newClient(opt Options) *http.Client {
	return &http.Client{
		Transport: &http.Transport{MaxIdleConns: opt.Clients * 2, MaxIdleConnsPerHost: opt.Clients * 2},
		Timeout:   30 * time.Second,
	}
}

// Run creates subjects (five fields, two identities each) for one phase,
// looks them up by email for the next, then records consents for them and
// asks for decisions, and returns the four results. With Seeded set it
// runs the get phase alone, over the seeded subjects.
// BaseURL must point at a loopback address: a load generator aimed at
// someone else's server by mistake is a denial of service.
func Run(ctx context.Context, opt Options) ([]Result, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := CheckLoopback(opt.BaseURL); err != nil {
		return nil, err
	}
	client := newClient(opt)
	if err := waitReady(ctx, client, opt.BaseURL, opt.ReadyTimeout); err != nil {
		return nil, err
	}
	if opt.Seeded > 0 {
		return []Result{seededGets(ctx, client, opt)}, nil
	}
	run := fmt.Sprintf("%x", time.Now().UnixNano())

	// The subjects made, for the later phases.
	var (
		created []string // emails
		ids     []string // subject ids
		mu      sync.Mutex
	)
	create := func(ctx context.Context, worker, i int) (int, error) {
		email := fmt.Sprintf("load-%s-%d-%d@example.com", run, worker, i)
		// A cookie id rather than an external id: the demo policy
		// collects user.device.cookie_id but not user.unique_id.
		body := Subject(email, fmt.Sprintf("c-%s-%d-%d", run, worker, i))
		var made struct{ ID string }
		status, err := send(ctx, client, http.MethodPost, opt.BaseURL+"/v1/subjects", opt.APIKey, body, &made)
		if err == nil && status == http.StatusCreated {
			mu.Lock()
			created, ids = append(created, email), append(ids, made.ID)
			mu.Unlock()
		}
		return status, err
	}
	res := []Result{phase(ctx, "create", opt, http.StatusCreated, create)}

	if len(created) == 0 {
		return res, privet.Errorf(privet.EUNAVAILABLE, "no subject was created (%s), so there is nothing to read", res[0].FirstError)
	}
	get := func(ctx context.Context, worker, i int) (int, error) {
		email := created[(worker*7919+i)%len(created)]
		return send(ctx, client, http.MethodPost, opt.BaseURL+"/v1/subjects/lookup", opt.APIKey,
			map[string]any{"type": "email", "value": email, "purpose": opt.Purpose}, nil)
	}
	getOpt := opt
	if opt.GetDuration > 0 {
		getOpt.Duration = opt.GetDuration
	}
	res = append(res, phase(ctx, "get", getOpt, http.StatusOK, get))

	// Consent writes (durable, audited) and decisions (from memory) for an
	// opt-in purpose of the people just made.
	const purpose = "marketing.communications.email"
	record := func(ctx context.Context, worker, i int) (int, error) {
		id := ids[(worker*7919+i)%len(ids)]
		state := []string{"given", "withdrawn"}[i%2]
		return send(ctx, client, http.MethodPost, opt.BaseURL+"/v1/consents", opt.APIKey,
			map[string]any{"subject_id": id, "purpose": purpose, "state": state, "source": "api"}, nil)
	}
	res = append(res, phase(ctx, "consent", opt, http.StatusCreated, record))
	decide := func(ctx context.Context, worker, i int) (int, error) {
		id := ids[(worker*7919+i)%len(ids)]
		return send(ctx, client, http.MethodPost, opt.BaseURL+"/v1/decisions", opt.APIKey,
			map[string]any{"subject_id": id, "purpose": purpose}, nil)
	}
	res = append(res, phase(ctx, "decide", opt, http.StatusOK, decide))
	return res, nil
}

// seededGets looks up seeded subjects by email, drawn uniformly at random
// (a generator per client, seeded by its number, so runs repeat).
func seededGets(ctx context.Context, client *http.Client, opt Options) Result {
	rngs := make([]*rand.Rand, opt.Clients)
	for w := range rngs {
		rngs[w] = rand.New(rand.NewPCG(uint64(w), uint64(opt.Seeded)))
	}
	get := func(ctx context.Context, worker, _ int) (int, error) {
		email := SeededEmail(opt.SeedPrefix, rngs[worker].IntN(opt.Seeded))
		return send(ctx, client, http.MethodPost, opt.BaseURL+"/v1/subjects/lookup", opt.APIKey,
			map[string]any{"type": "email", "value": email, "purpose": opt.Purpose}, nil)
	}
	if opt.GetDuration > 0 {
		opt.Duration = opt.GetDuration
	}
	return phase(ctx, "get", opt, http.StatusOK, get)
}

// send makes one request (a JSON body when body is not nil), decodes a
// successful answer into out when out is not nil, and drains the response so
// the connection is reused.
func send(ctx context.Context, client *http.Client, method, url, key string, body, out any) (int, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return 0, err
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return resp.StatusCode, readProblem(resp.Body)
	}
	if out != nil {
		if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode the answer: %w", err)
		}
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// problem is the safe part of an RFC 9457 answer: its stable code and the
// input field at fault. The detail is left out: this tool does not echo
// what a server says about the values it was sent.
type problem struct {
	Code  string `json:"code"`
	Field string `json:"field"`
}

func (p problem) Error() string {
	if p.Field != "" {
		return fmt.Sprintf("code %q, field %q", p.Code, p.Field)
	}
	return fmt.Sprintf("code %q", p.Code)
}

func readProblem(body io.Reader) error {
	var p problem
	_ = json.NewDecoder(io.LimitReader(body, 64<<10)).Decode(&p)
	_, _ = io.Copy(io.Discard, body)
	return p
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
				if ctx.Err() != nil && err != nil && status == 0 {
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
