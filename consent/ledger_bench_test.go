package consent_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/sqlite"
	"github.com/privet-dev/privet/vault"
)

// Large ledger benchmark settings, from the environment: the number of
// events (PRIVET_BENCH_EVENTS, 100,000 unless set) and a directory to keep
// the database in (PRIVET_BENCH_DIR), so a run of 10,000,000 events is
// loaded once and its start measured again without reloading.
const (
	benchEventsVar = "PRIVET_BENCH_EVENTS"
	benchDirVar    = "PRIVET_BENCH_DIR"
	// eventsPerSubject: each subject has two events for each of five
	// purposes (given, then withdrawn or given again).
	eventsPerSubject = 10
	// loadTxSubjects is the subjects per Update (11 statements each): on
	// SQLite, each statement inside a savepoint truncates the savepoint's
	// in-memory journal from its start, so an Update's cost grows with the
	// square of its statements. Speed comes from loadWorkers Updates in
	// flight instead, which the group commit merges into one transaction.
	loadTxSubjects = 20
	loadWorkers    = 8
)

var ledgerPurposes = []string{email, targeted, analytics, service, fraud}

// benchTenant is fixed, so that a kept database is found again.
const benchTenant = "ten_benchledger0000000000000000"

func benchSubjectID(i int) string { return fmt.Sprintf("sub_bench%021d", i) }

// BenchmarkLargeLedger loads a ledger of PRIVET_BENCH_EVENTS events through
// the store's insert path (large transactions), then reports what a server
// starting over it pays: the time to fill memory from the ledger (start-s),
// the heap that memory holds per subject and per choice (after its
// decision profiles are read too), the process's resident memory, and the
// latency of one decision (ns/op). Run it at a small and a large size and
// compare: decisions come from memory, so their latency should not grow.
func BenchmarkLargeLedger(b *testing.B) {
	n := 100_000
	if v := os.Getenv(benchEventsVar); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < eventsPerSubject {
			b.Fatalf("%s: not a number of events: %q", benchEventsVar, v)
		}
	}
	subjects := n / eventsPerSubject
	dir := os.Getenv(benchDirVar)
	if dir == "" {
		dir = b.TempDir()
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(dir, fmt.Sprintf("ledger-%d.db", n)))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	pol := loadPolicy(b)
	// Reported after the loop: b.ResetTimer would drop them.
	metrics := map[string]float64{}
	if loaded := benchLoadLedger(b, st, pol.Hash, subjects); loaded > 0 {
		metrics["load-s"] = loaded.Seconds()
	}

	clock := privet.NewManualClock(start)
	svc := &consent.Service{Store: st, Policies: vault.StaticPolicy{Compiled: pol}, Clock: clock}
	before := heapInUse()
	t0, cpu0 := time.Now(), cpuTime()
	if err := svc.Start(ctx); err != nil {
		b.Fatal(err)
	}
	metrics["start-s"] = time.Since(t0).Seconds()
	metrics["start-cpu-s"] = (cpuTime() - cpu0).Seconds()
	// Every subject decided once, so memory holds its profile too, as on a
	// server that has sent a mailing to everyone.
	ids := make([]string, 0, consent.MaxBatch)
	for i := 0; i < subjects; i++ {
		ids = append(ids, benchSubjectID(i))
		if len(ids) == cap(ids) || i == subjects-1 {
			if _, err := svc.DecideBatch(ctx, benchTenant, email, ids); err != nil {
				b.Fatal(err)
			}
			ids = ids[:0]
		}
	}
	ids = nil
	held := float64(heapInUse() - before)
	metrics["B/subject"] = held / float64(subjects)
	metrics["B/choice"] = held / float64(subjects*len(ledgerPurposes))
	metrics["rss-MiB"] = float64(residentKiB()) / 1024

	rng := rand.New(rand.NewPCG(1, 2))
	in := consent.DecideInput{Purpose: email}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		in.SubjectID = benchSubjectID(rng.IntN(subjects))
		d, err := svc.Decide(ctx, benchTenant, in)
		if err != nil || d.Reason == consent.ReasonNoConsent {
			b.Fatalf("Decide = %+v, %v: the ledger was not loaded", d, err)
		}
	}
	b.StopTimer()
	runtime.KeepAlive(svc)
	for unit, v := range metrics {
		b.ReportMetric(v, unit)
	}
}

// benchLoadLedger creates the tenant, the subjects and their events unless
// the database holds them already, and returns how long that took.
func benchLoadLedger(b *testing.B, st privet.Store, policyVersion string, subjects int) time.Duration {
	ctx := context.Background()
	last := benchSubjectID(subjects - 1)
	var have bool
	err := st.View(ctx, func(tx privet.Tx) error {
		evs, err := tx.ConsentEvents(ctx, benchTenant, privet.ConsentQuery{SubjectID: last, Limit: 1})
		have = err == nil && len(evs) > 0
		return nil
	})
	if err != nil || have {
		return 0
	}
	t0 := time.Now()
	err = st.Update(ctx, func(tx privet.Tx) error {
		return tx.CreateTenant(ctx, &privet.Tenant{ID: benchTenant, Name: "Bench", CreatedAt: start})
	})
	if err != nil {
		b.Fatal(err)
	}
	// Updates of a few hundred statements each, from several goroutines:
	// the group commit merges them into shared transactions, while each
	// Update's savepoint stays small (see loadTxSubjects). The last subject,
	// which marks a complete load, is written alone after all the others.
	subjects--
	var (
		next     atomic.Int64
		failed   atomic.Value
		wg       sync.WaitGroup
		progress = newLoadProgress(b, subjects)
	)
	for range loadWorkers {
		wg.Go(func() {
			for failed.Load() == nil {
				first := int(next.Add(loadTxSubjects)) - loadTxSubjects
				if first >= subjects {
					return
				}
				last := min(first+loadTxSubjects, subjects)
				if err := st.Update(ctx, func(tx privet.Tx) error {
					return benchLoadSubjects(ctx, tx, policyVersion, first, last)
				}); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
				progress.done(last - first)
			}
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	if err := st.Update(ctx, func(tx privet.Tx) error {
		return benchLoadSubjects(ctx, tx, policyVersion, subjects, subjects+1)
	}); err != nil {
		b.Fatal(err)
	}
	return time.Since(t0)
}

// benchLoadSubjects writes subjects [first, last) and their events.
func benchLoadSubjects(ctx context.Context, tx privet.Tx, policyVersion string, first, last int) error {
	states := []privet.ConsentState{privet.StateWithdrawn, privet.StateGiven}
	for i := first; i < last; i++ {
		id := benchSubjectID(i)
		at := start.Add(-time.Duration(i) * time.Second)
		if err := tx.CreateSubject(ctx, &privet.Subject{ID: id, TenantID: benchTenant, Jurisdiction: "DE",
			Status: privet.StatusActive, AgeBand: "adult", CreatedAt: at, UpdatedAt: at, LastActivityAt: at}); err != nil {
			return err
		}
		for k := range eventsPerSubject {
			// Given first; the second event withdraws or gives again.
			state := privet.StateGiven
			if k >= len(ledgerPurposes) {
				state = states[(i+k)%2]
			}
			ev := &privet.ConsentEvent{ID: privet.NewID(privet.PrefixConsent), TenantID: benchTenant, SubjectID: id,
				Purpose: ledgerPurposes[k%len(ledgerPurposes)], State: state, Source: privet.SourceImport,
				PolicyVersion: policyVersion, Jurisdiction: "DE", Time: at.Add(time.Duration(k) * time.Millisecond)}
			if err := tx.AppendConsent(ctx, ev); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadProgress logs the load's rate every tenth of the way, so a run of
// millions of events shows it is moving.
type loadProgress struct {
	b         *testing.B
	total     int
	t0        time.Time
	mu        sync.Mutex
	n, logged int
}

func newLoadProgress(b *testing.B, total int) *loadProgress {
	return &loadProgress{b: b, total: total, t0: time.Now()}
}

func (p *loadProgress) done(subjects int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n += subjects
	if p.n-p.logged >= max(p.total/10, 1) || p.n == p.total {
		p.logged = p.n
		el := time.Since(p.t0)
		p.b.Logf("loaded %d of %d subjects (%d events) in %s: %.0f events/s", p.n, p.total,
			p.n*eventsPerSubject, el.Round(time.Second), float64(p.n*eventsPerSubject)/el.Seconds())
	}
}

// heapInUse is the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// residentKiB is the process's resident set size (VmRSS), 0 where unknown.
func residentKiB() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kib, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return kib
		}
	}
	return 0
}

// cpuTime is the CPU time the process has used, user and system: on a
// shared machine, a steadier measure of work than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
