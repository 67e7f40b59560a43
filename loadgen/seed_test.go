package loadgen_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/loadgen"
	"github.com/privet-dev/privet/vault"
)

func TestSeedCreatesEachNumberOnce(t *testing.T) {
	var (
		mu     sync.Mutex
		emails []string
		calls  int
	)
	var progress []int
	res, err := loadgen.Seed(context.Background(), loadgen.SeedOptions{Prefix: "p", From: 100, Count: 50, Workers: 7,
		Progress: func(done int, _ time.Duration) { progress = append(progress, done) }},
		func(_ context.Context, in vault.CreateInput) error {
			mu.Lock()
			defer mu.Unlock()
			calls++
			emails = append(emails, in.Identities[0].Value)
			if len(in.Fields) != 5 || in.Identities[1].Type != privet.IdentityCookieID {
				t.Errorf("seeded subject %+v: want five fields and a cookie id", in)
			}
			return nil
		})
	if err != nil || res.Created != 50 || calls != 50 {
		t.Fatalf("Seed = %+v, %v after %d creates, want 50", res, err, calls)
	}
	var want []string
	for i := 100; i < 150; i++ {
		want = append(want, loadgen.SeededEmail("p", i))
	}
	slices.Sort(emails)
	slices.Sort(want)
	if !slices.Equal(emails, want) {
		t.Errorf("emails %v, want %v", emails, want)
	}
	if len(progress) == 0 || progress[len(progress)-1] != 50 || !slices.IsSorted(progress) {
		t.Errorf("progress %v, want rising counts ending at 50", progress)
	}
}

func TestSeedStopsAtTheFirstFailure(t *testing.T) {
	boom := privet.Errorf(privet.ECONFLICT, "conflict")
	var (
		mu    sync.Mutex
		calls int
	)
	res, err := loadgen.Seed(context.Background(), loadgen.SeedOptions{Count: 10_000, Workers: 4},
		func(context.Context, vault.CreateInput) error {
			mu.Lock()
			defer mu.Unlock()
			if calls++; calls == 3 {
				return boom
			}
			return nil
		})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the create's failure", err)
	}
	// The workers in flight finish their create; none starts a new one.
	if calls > 3+4 || res.Created >= 10_000 {
		t.Errorf("%d creates after the failure (result %+v), want the run stopped", calls, res)
	}
}

func TestSeedRefusesBadOptions(t *testing.T) {
	never := func(context.Context, vault.CreateInput) error {
		t.Fatal("create called despite bad options")
		return nil
	}
	for _, opt := range []loadgen.SeedOptions{{Count: 0}, {Count: loadgen.MaxSeedCount + 1}, {Count: 1, From: -1},
		{Count: 1, Workers: loadgen.MaxSeedWorkers + 1}} {
		if _, err := loadgen.Seed(context.Background(), opt, never); privet.ErrorCode(err) != privet.EINVALID ||
			!strings.Contains(privet.ErrorMessage(err), "must be") {
			t.Errorf("Seed(%+v) = %v, want EINVALID", opt, err)
		}
	}
}
