package retention_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/retention"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/vault"
)

// BenchmarkSweep sweeps n closed accounts whose retention period has ended:
// each subject is erased, audited and its data key destroyed. It reports
// items/s and the peak heap in use during the sweep, which must stay flat as
// n grows. 1,000,000 runs only with PRIVET_BENCH_1M=1 (setup takes minutes):
//
//	PRIVET_BENCH_1M=1 go test -run '^$' -bench Sweep -benchtime 1x ./retention
func BenchmarkSweep(b *testing.B) {
	sizes := []int{100_000}
	if n, err := strconv.Atoi(os.Getenv("PRIVET_BENCH_SWEEP_N")); err == nil && n > 0 {
		sizes = []int{n}
	}
	if os.Getenv("PRIVET_BENCH_1M") != "" {
		sizes = append(sizes, 1_000_000)
	}
	src, err := examples.FS.ReadFile("cipo-cloud/policy.yaml")
	if err != nil {
		b.Fatal(err)
	}
	pol, err := policy.Parse("cipo-cloud/policy.yaml", src)
	if err != nil {
		b.Fatal(err)
	}
	for _, engine := range storetest.Engines() {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/%d", engine, n), func(b *testing.B) {
				for range b.N {
					b.StopTimer()
					store, keys := storetest.Open(b, engine)
					tenantID, closed := seed(b, store, keys, pol, n)
					var peak atomic.Uint64
					var seen atomic.Int64
					sample := func() {
						var ms runtime.MemStats
						runtime.ReadMemStats(&ms)
						for {
							old := peak.Load()
							if ms.HeapInuse <= old || peak.CompareAndSwap(old, ms.HeapInuse) {
								return
							}
						}
					}
					runtime.GC()
					sample()
					batch, _ := strconv.Atoi(os.Getenv("PRIVET_BENCH_BATCH"))
					svc := &retention.Service{Batch: batch, Store: store, Keys: keys, Policies: vault.StaticPolicy{Compiled: pol},
						Clock: privet.NewManualClock(closed), Changed: func(string, string) {
							if seen.Add(1)%10_000 == 0 {
								sample()
							}
						}}
					if path := os.Getenv("PRIVET_BENCH_CPUPROFILE"); path != "" {
						f, err := os.Create(path)
						if err != nil {
							b.Fatal(err)
						}
						if err := pprof.StartCPUProfile(f); err != nil {
							b.Fatal(err)
						}
						defer pprof.StopCPUProfile()
					}
					cpu0 := cpuTime()
					b.StartTimer()
					start := time.Now()
					rep, err := svc.Sweep(context.Background(), closed.Add(181*24*time.Hour))
					elapsed := time.Since(start)
					b.StopTimer()
					cpu := cpuTime() - cpu0
					if err != nil {
						b.Fatal(err)
					}
					if rep.Erased != n {
						b.Fatalf("erased %d of %d", rep.Erased, n)
					}
					sample()
					b.ReportMetric(float64(n)/elapsed.Seconds(), "items/s")
					b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
					// CPU per item is what the sweep costs this process (the
					// database engine included on SQLite), whatever else runs on
					// the machine; items/s also counts waiting for fsync.
					b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/item")
					_ = tenantID
				}
			})
		}
	}
}

// bulkKeys is a key store that loads many keys at once; both engines' are.
type bulkKeys interface {
	PutDataKeys(ctx context.Context, keys []*privet.DataKey) error
}

// seed creates n closed subjects (an email identity and a name each, as the
// vault stores them: sealed bytes), their data keys and their due items,
// in large transactions.
func seed(b *testing.B, store privet.Store, keys privet.DataKeyStore, pol *policy.Compiled, n int) (string, time.Time) {
	ctx := context.Background()
	closed := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tn := &privet.Tenant{ID: privet.NewID(privet.PrefixTenant), Name: "Bench", CreatedAt: closed, SigningKey: make([]byte, 32), SigningPublicKey: make([]byte, 32)}
	if err := store.Update(ctx, func(tx privet.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
		b.Fatal(err)
	}
	rule, _ := pol.Rule("account_data")
	const chunk = 5000
	sealed := make([]byte, 48)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	sem := make(chan struct{}, 8)
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		sem <- struct{}{}
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			defer func() { <-sem }()
			ids := make([]string, 0, hi-lo)
			err := store.Update(ctx, func(tx privet.Tx) error {
				items := make([]privet.RetentionItem, 0, hi-lo)
				for i := lo; i < hi; i++ {
					id := fmt.Sprintf("sub_%09d", i)
					ids = append(ids, id)
					idx := fmt.Appendf(nil, "idx-%032d", i)
					s := &privet.Subject{ID: id, TenantID: tn.ID, Jurisdiction: "DE", Status: privet.StatusClosed, AgeBand: "adult",
						CreatedAt: closed, UpdatedAt: closed, LastActivityAt: closed, ClosedAt: &closed,
						Identities: []privet.Identity{{Type: privet.IdentityEmail, Index: idx, Sealed: sealed}},
						Fields:     []privet.Field{{Name: "name", Category: "user.name", Sealed: sealed, UpdatedAt: closed}}}
					if err := tx.CreateSubject(ctx, s); err != nil {
						return err
					}
					items = append(items, privet.RetentionItem{TenantID: tn.ID, SubjectID: id, RuleKey: rule.Key, Action: rule.Action, DueAt: pol.Due(rule, closed)})
				}
				return tx.ScheduleRetention(ctx, items)
			})
			if err == nil {
				dks := make([]*privet.DataKey, len(ids))
				for i, id := range ids {
					dks[i] = &privet.DataKey{TenantID: tn.ID, SubjectID: id, Wrapped: sealed, MasterKeyID: 1, CreatedAt: closed}
				}
				err = keys.(bulkKeys).PutDataKeys(ctx, dks)
			}
			if err != nil {
				select {
				case errs <- err:
				default:
				}
			}
		}(lo, hi)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	return tn.ID, closed
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
