package loadgen

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/vault"
)

// Bounds on a seeding run, and the default prefix of seeded emails.
const (
	MaxSeedCount      = 10_000_000
	MaxSeedWorkers    = 256
	DefaultSeedPrefix = "seed"
)

// SeededEmail is the email of the i-th seeded subject: the seed command
// creates it and the load command's --seeded gets look it up.
func SeededEmail(prefix string, i int) string {
	return fmt.Sprintf("%s-%d@example.com", prefix, i)
}

// Subject is the subject a create of the load command sends: five fields
// and two identities (the email, and a cookie id, which the demo policy
// collects), the same for a seeded subject.
func Subject(email, cookieID string) vault.CreateInput {
	return vault.CreateInput{
		Jurisdiction: "DE",
		Identities: []vault.IdentityInput{
			{Type: privet.IdentityEmail, Value: email},
			{Type: privet.IdentityCookieID, Value: cookieID},
		},
		Fields: []vault.FieldInput{
			{Name: "name", Category: "user.name", Value: "Load Test Person"},
			{Name: "phone", Category: "user.contact.phone_number", Value: "+4930123456"},
			{Name: "company", Category: "user.professional_information", Value: "Example GmbH"},
			{Name: "avatar", Category: "user.content.self_image", Value: "https://example.com/a.png"},
			{Name: "address", Category: "user.contact.address", Value: "Example Street 1, Berlin"},
		},
	}
}

// SeedOptions configure Seed.
type SeedOptions struct {
	Prefix  string // of the emails (default DefaultSeedPrefix)
	From    int    // the first subject's number, to resume an interrupted run
	Count   int    // how many subjects
	Workers int    // concurrent creates (default 16)
	// Progress, if set, is called about every tenth of the way with the
	// subjects made so far; it sees counts, never values.
	Progress func(done int, elapsed time.Duration)
}

// SeedResult is what a seeding run made and how fast.
type SeedResult struct {
	Created   int           `json:"created"`
	Elapsed   time.Duration `json:"elapsed"`
	PerSecond float64       `json:"per_second"`
}

func (r SeedResult) String() string {
	return fmt.Sprintf("seed     created=%d elapsed=%s rate=%.0f/s", r.Created, r.Elapsed.Round(time.Millisecond), r.PerSecond)
}

// Seed creates subjects From..From+Count-1, each Subject(SeededEmail(i),
// ...), by calling create from Workers goroutines: the command line passes
// the vault's own Create, so the rows are exactly those a server writes
// (sealed values, blind indexes, a data key each, audit events), without
// HTTP in between. It stops at the first failure, which it returns.
func Seed(ctx context.Context, opt SeedOptions, create func(context.Context, vault.CreateInput) error) (SeedResult, error) {
	if opt.Prefix == "" {
		opt.Prefix = DefaultSeedPrefix
	}
	if opt.Workers == 0 {
		opt.Workers = 16
	}
	switch {
	case opt.Count < 1 || opt.Count > MaxSeedCount:
		return SeedResult{}, privet.FieldError("count", "count must be between 1 and %d", MaxSeedCount)
	case opt.From < 0 || opt.From > MaxSeedCount:
		return SeedResult{}, privet.FieldError("from", "from must be between 0 and %d", MaxSeedCount)
	case opt.Workers < 1 || opt.Workers > MaxSeedWorkers:
		return SeedResult{}, privet.FieldError("workers", "workers must be between 1 and %d", MaxSeedWorkers)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next, done atomic.Int64
		firstErr   error
		once       sync.Once
		wg         sync.WaitGroup
		progressMu sync.Mutex
		reported   int
	)
	step := max(opt.Count/10, 1)
	start := time.Now()
	for range opt.Workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				n := int(next.Add(1)) - 1
				if n >= opt.Count {
					return
				}
				i := opt.From + n
				in := Subject(SeededEmail(opt.Prefix, i), fmt.Sprintf("%s-c-%d", opt.Prefix, i))
				if err := create(ctx, in); err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
				d := int(done.Add(1))
				if opt.Progress != nil && (d%step == 0 || d == opt.Count) {
					progressMu.Lock()
					if d > reported {
						reported = d
						opt.Progress(d, time.Since(start))
					}
					progressMu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	r := SeedResult{Created: int(done.Load()), Elapsed: elapsed, PerSecond: float64(done.Load()) / elapsed.Seconds()}
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return r, firstErr
}
