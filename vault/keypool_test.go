package vault_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/vault"
)

// pooled returns a vault over e's stores that makes size keys ahead.
func (e *env) pooled(size int) *vault.Service {
	v := e.vault
	return &vault.Service{Store: v.Store, Keys: v.Keys, Master: v.Master, Policies: v.Policies, Clock: v.Clock, KeyPoolSize: size}
}

// keyIDs lists the subject ids of every data key of the tenant in the store.
// filled is a service whose pool for the env's tenant holds size keys.
func (e *env) filled(t *testing.T, size int) *vault.Service {
	t.Helper()
	v := e.pooled(size)
	if err := v.FillKeyPool(context.Background(), e.tenant.ID); err != nil {
		t.Fatal(err)
	}
	return v
}

func (e *env) keyIDs(t *testing.T) []string {
	t.Helper()
	keys, err := e.keys.DataKeysNotWrappedBy(context.Background(), 0, "", "", 10000)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range keys {
		if k.TenantID == e.tenant.ID {
			ids = append(ids, k.SubjectID)
		}
	}
	slices.Sort(ids)
	return ids
}

func person(i int) vault.CreateInput {
	in := ada()
	in.Identities = []vault.IdentityInput{{Type: privet.IdentityEmail, Value: fmt.Sprintf("p%d@example.com", i)}}
	return in
}

// readable checks, through a vault with no cached keys, that the subject's
// data opens with the key in the store.
func (e *env) readable(t *testing.T, id string) {
	t.Helper()
	fresh := e.pooled(0)
	v, err := fresh.Get(context.Background(), e.actor, e.tenant.ID, id, vault.ReadOptions{Purpose: "essential.service"})
	if err != nil {
		t.Fatalf("read %s: %v", id, err)
	}
	if len(v.Fields) == 0 || v.Fields[0].Value != "Ada Lovelace" {
		t.Fatalf("read %s: fields %+v", id, v.Fields)
	}
}

func TestKeyPoolCreateTakesAKeyMadeAhead(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.filled(t, 4)
	ahead := e.keyIDs(t)
	if len(ahead) != 4 {
		t.Fatalf("keys made ahead = %d, want 4", len(ahead))
	}
	created, err := v.Create(ctx, e.actor, e.tenant.ID, ada())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ahead, created.ID) {
		t.Fatalf("subject %s did not take a key made ahead %v", created.ID, ahead)
	}
	v.SettleKeyPool()
	if got := e.keyIDs(t); !slices.Equal(got, ahead) {
		t.Fatalf("create made a key of its own: keys %v, want %v", got, ahead)
	}
	e.readable(t, created.ID)
}

func TestKeyPoolStopDestroysUnusedKeys(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.filled(t, 4)
	created, err := v.Create(ctx, e.actor, e.tenant.ID, ada())
	if err != nil {
		t.Fatal(err)
	}
	if err := v.StopKeyPool(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.keyIDs(t); !slices.Equal(got, []string{created.ID}) {
		t.Fatalf("keys after stop = %v, want only the subject's %s", got, created.ID)
	}
	// After the pool stops, creates make their own keys.
	other, err := v.Create(ctx, e.actor, e.tenant.ID, person(1))
	if err != nil {
		t.Fatal(err)
	}
	if got := e.keyIDs(t); len(got) != 2 || !slices.Contains(got, other.ID) {
		t.Fatalf("keys = %v, want %s and %s", got, created.ID, other.ID)
	}
	e.readable(t, other.ID)
}

// A crash leaves the pool's keys behind: orphans under ids no subject has.
// They open nothing, a restarted server works, and rotation re-wraps them
// like any other key.
func TestKeyPoolOrphansAfterACrashAreHarmless(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	crashed := e.pooled(4)
	if err := crashed.FillKeyPool(ctx, e.tenant.ID); err != nil {
		t.Fatal(err)
	}
	orphans := e.keyIDs(t)

	restarted := e.pooled(4)
	created, err := restarted.Create(ctx, e.actor, e.tenant.ID, ada())
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(orphans, created.ID) {
		t.Fatalf("restarted server reused the crashed one's key for %s", created.ID)
	}
	for _, id := range orphans {
		_, err := restarted.Get(ctx, e.actor, e.tenant.ID, id, vault.ReadOptions{Purpose: "essential.service"})
		wantCode(t, err, privet.ENOTFOUND)
	}
	if _, err := e.master.Rotate(filepath.Join(e.dir, "master.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := restarted.RewrapAll(ctx, 100); err != nil {
		t.Fatal(err)
	}
	if p, err := restarted.Progress(ctx); err != nil || p.Pending != 0 {
		t.Fatalf("progress after rewrap = %+v, %v", p, err)
	}
	e.readable(t, created.ID)
	restarted.SettleKeyPool()
}

func TestKeyPoolAfterRotationWrapsNewKeysWithThePrimary(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.filled(t, 4)
	old := e.keyIDs(t)
	primary, err := e.master.Rotate(filepath.Join(e.dir, "master.json"))
	if err != nil {
		t.Fatal(err)
	}
	created, err := v.Create(ctx, e.actor, e.tenant.ID, ada())
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(old, created.ID) {
		t.Fatalf("create took a key wrapped by the retired primary")
	}
	dk, err := e.keys.DataKey(ctx, e.tenant.ID, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if dk.MasterKeyID != primary {
		t.Fatalf("new subject's key wrapped by %d, want the primary %d", dk.MasterKeyID, primary)
	}
	v.SettleKeyPool()
	for _, id := range e.keyIDs(t) {
		if slices.Contains(old, id) {
			t.Fatalf("key made ahead under the old primary still stored: %s", id)
		}
	}
	if p, err := v.Progress(ctx); err != nil || p.Pending != 0 {
		t.Fatalf("progress = %+v, %v; want nothing pending", p, err)
	}
	e.readable(t, created.ID)
}

// Keys made ahead still waiting when a rotation runs are in the store, so
// the re-wrap job covers them.
func TestKeyPoolRewrapCoversWaitingKeys(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.filled(t, 4)
	primary, err := e.master.Rotate(filepath.Join(e.dir, "master.json"))
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := v.Progress(ctx); p.Pending != 4 {
		t.Fatalf("pending before rewrap = %d, want the 4 waiting keys", p.Pending)
	}
	if n, err := v.RewrapAll(ctx, 2); err != nil || n != 4 {
		t.Fatalf("rewrapped %d, %v; want 4", n, err)
	}
	for _, id := range e.keyIDs(t) {
		dk, err := e.keys.DataKey(ctx, e.tenant.ID, id)
		if err != nil || dk.MasterKeyID != primary {
			t.Fatalf("key %s: %+v, %v", id, dk, err)
		}
	}
}

func TestKeyPoolStaleKeysAreDestroyedNotUsed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.filled(t, 4)
	old := e.keyIDs(t)
	e.clock.Advance(2 * time.Minute)
	created, err := v.Create(ctx, e.actor, e.tenant.ID, ada())
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(old, created.ID) {
		t.Fatalf("create took a key that waited past the pool's age limit")
	}
	v.SettleKeyPool()
	for _, id := range e.keyIDs(t) {
		if slices.Contains(old, id) {
			t.Fatalf("stale pooled key still stored: %s", id)
		}
	}
	e.readable(t, created.ID)
}

func TestKeyPoolFailedCreateLeavesNoKey(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.filled(t, 4)
	created, err := v.Create(ctx, e.actor, e.tenant.ID, ada())
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.Create(ctx, e.actor, e.tenant.ID, ada())
	wantCode(t, err, privet.ECONFLICT)
	v.SettleKeyPool()
	if err := v.StopKeyPool(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.keyIDs(t); !slices.Equal(got, []string{created.ID}) {
		t.Fatalf("keys = %v, want only %s", got, created.ID)
	}
}

func TestKeyPoolErasure(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.filled(t, 4)
	gone, err := v.Create(ctx, e.actor, e.tenant.ID, ada())
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Erase(ctx, e.actor, e.tenant.ID, gone.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.keys.DataKey(ctx, e.tenant.ID, gone.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Fatalf("erased subject's key: %v, want ENOTFOUND", err)
	}
	if _, err := v.Get(ctx, e.actor, e.tenant.ID, gone.ID, vault.ReadOptions{Purpose: "essential.service"}); err == nil {
		t.Fatal("erased subject still readable")
	}
	// The keys still waiting are untouched and serve the next creates.
	next, err := v.Create(ctx, e.actor, e.tenant.ID, person(1))
	if err != nil {
		t.Fatal(err)
	}
	e.readable(t, next.ID)
	v.SettleKeyPool()
}

// Many creates at once, on two servers sharing the stores, each with a
// small pool that refills under them: every create succeeds under its own
// id, every subject opens with the key in the store, and once both pools
// stop exactly one key per subject is left.
func TestKeyPoolConcurrentCreatesOnTwoServers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	servers := []*vault.Service{e.pooled(8), e.pooled(8)}
	const perServer, clients = 48, 8
	var mu sync.Mutex
	var ids []string
	var wg sync.WaitGroup
	errs := make(chan error, 2*clients)
	for si, v := range servers {
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := c; i < perServer; i += clients {
					created, err := v.Create(ctx, e.actor, e.tenant.ID, person(si*1000+i))
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					ids = append(ids, created.ID)
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, v := range servers {
		if err := v.StopKeyPool(ctx); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(ids)
	if len(slices.Compact(slices.Clone(ids))) != 2*perServer {
		t.Fatalf("%d distinct ids, want %d", len(slices.Compact(slices.Clone(ids))), 2*perServer)
	}
	if got := e.keyIDs(t); !slices.Equal(got, ids) {
		t.Fatalf("keys after stop: %d, want one per subject (%d)", len(got), len(ids))
	}
	for _, id := range ids {
		e.readable(t, id)
	}
}
