package vault

import (
	"context"
	"sync"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
)

// A data key's wrapping is bound to its tenant and subject, so a key made
// ahead comes with the subject id it will serve. The pool makes such pairs in
// the background, commits their wrapped keys to the key store in one write,
// and only then hands them out: a create that takes one waits for its data
// commit alone instead of a key commit and then a data commit. The order that
// matters is kept: a key is durable before any subject row that needs it.
//
// A pooled key that is never used is an orphan: a random key under a subject
// id that no row holds and nothing was sealed with, so it opens nothing.
// StopKeyPool deletes the unused ones; a crash leaves at most one pool's worth per
// tenant behind, harmless but counted by rotation progress and re-wrapped
// like any other key.
const (
	// keyPoolMaxAge bounds how long a key waits in the pool. Subject ids are
	// time-ordered and lists page by id, so an id made long before its
	// subject is stored would sort among older subjects; an older key is
	// destroyed instead of used.
	keyPoolMaxAge = time.Minute
	// keyPoolMinFill is the smallest refill; refills grow with demand (twice
	// the keys taken since the last one) up to the pool's size, so a quiet
	// tenant does not make keys that go stale unused.
	keyPoolMinFill = 8
	// keyPoolMaxTenants bounds the tenants with a pool of their own; the
	// others make each key at create time, as without a pool.
	keyPoolMaxTenants = 64
)

// pooledKey is a data key made ahead, already committed to the key store.
type pooledKey struct {
	subjectID   string
	key         *crypto.DataKey
	masterKeyID uint32
	madeAt      time.Time
}

// tenantKeys is one tenant's pool.
type tenantKeys struct {
	ready   []pooledKey // oldest first: ids are handed out in time order
	taken   int         // keys asked for since the last refill started
	filling bool
}

// keyPool holds data keys made ahead, per tenant.
type keyPool struct {
	mu      sync.Mutex
	tenants map[string]*tenantKeys
	closed  bool
	wg      sync.WaitGroup
}

func (s *Service) pool() *keyPool {
	s.poolOnce.Do(func() { s.keyPool = &keyPool{tenants: map[string]*tenantKeys{}} })
	return s.keyPool
}

// takeKey returns a pooled key for a new subject of the tenant, or false if
// none is ready (the caller makes one itself). Taking may start a refill in
// the background; keys too old, or wrapped by a master key version that is
// no longer the primary, are destroyed instead of used.
func (s *Service) takeKey(tenantID string) (pooledKey, bool) {
	if s.KeyPoolSize <= 0 {
		return pooledKey{}, false
	}
	p := s.pool()
	now := s.now().Now()
	primary := s.Master.PrimaryKeyID()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return pooledKey{}, false
	}
	tk := p.tenants[tenantID]
	if tk == nil {
		if len(p.tenants) >= keyPoolMaxTenants {
			return pooledKey{}, false
		}
		tk = &tenantKeys{}
		p.tenants[tenantID] = tk
	}
	var got pooledKey
	var ok bool
	var stale []string
	for len(tk.ready) > 0 && !ok {
		k := tk.ready[0]
		tk.ready[0] = pooledKey{}
		tk.ready = tk.ready[1:]
		if now.Sub(k.madeAt) > keyPoolMaxAge || k.masterKeyID != primary {
			stale = append(stale, k.subjectID)
			continue
		}
		got, ok = k, true
	}
	tk.taken++
	if !tk.filling && (len(tk.ready) <= s.KeyPoolSize/2 || len(stale) > 0) {
		n := min(max(2*tk.taken, keyPoolMinFill), s.KeyPoolSize-len(tk.ready))
		tk.filling, tk.taken = true, 0
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			s.fillKeys(tenantID, n, stale)
		}()
	} else if len(stale) > 0 {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			s.destroyPooled(tenantID, stale)
		}()
	}
	return got, ok
}

// fillKeys destroys the stale keys, then makes n keys, commits them in one
// write and adds them to the tenant's pool.
func (s *Service) fillKeys(tenantID string, n int, stale []string) {
	p := s.pool()
	s.destroyPooled(tenantID, stale)
	made, err := s.makeKeys(context.Background(), tenantID, n)
	p.mu.Lock()
	tk := p.tenants[tenantID]
	tk.filling = false
	closed := p.closed
	if err == nil && !closed {
		tk.ready = append(tk.ready, made...)
	}
	p.mu.Unlock()
	if err != nil {
		s.logger().Error("fill data key pool", "error", privet.ErrorCode(err))
		return
	}
	if closed {
		s.destroyPooled(tenantID, pooledIDs(made))
	}
}

// makeKeys makes n data keys under fresh subject ids and commits them.
func (s *Service) makeKeys(ctx context.Context, tenantID string, n int) ([]pooledKey, error) {
	if n <= 0 {
		return nil, nil
	}
	now := s.now().Now()
	made := make([]pooledKey, 0, n)
	dks := make([]*privet.DataKey, 0, n)
	for range n {
		id := privet.NewID(privet.PrefixSubject)
		key, wrapped, keyID, err := s.Master.NewDataKey(tenantID, id)
		if err != nil {
			return nil, err
		}
		made = append(made, pooledKey{subjectID: id, key: key, masterKeyID: keyID, madeAt: now})
		dks = append(dks, &privet.DataKey{TenantID: tenantID, SubjectID: id, Wrapped: wrapped, MasterKeyID: keyID, CreatedAt: now})
	}
	if err := s.Keys.PutDataKeys(ctx, dks); err != nil {
		return nil, err
	}
	return made, nil
}

// destroyPooled deletes pooled keys that will never be used. Failure leaves
// orphans that open nothing; it is logged, not returned.
func (s *Service) destroyPooled(tenantID string, subjectIDs []string) {
	if len(subjectIDs) == 0 {
		return
	}
	if err := s.Keys.DeleteDataKeys(context.Background(), tenantID, subjectIDs); err != nil {
		s.logger().Error("destroy unused pooled data keys", "count", len(subjectIDs), "error", privet.ErrorCode(err))
	}
}

func pooledIDs(keys []pooledKey) []string {
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.subjectID
	}
	return ids
}

// FillKeyPool fills the tenant's pool of data keys made ahead to its size
// now, and waits for the commit. A server may call it at start for tenants it
// expects creates for; without it the pool fills on first use. It does
// nothing when the pool is off (KeyPoolSize 0) or closed.
func (s *Service) FillKeyPool(ctx context.Context, tenantID string) error {
	if s.KeyPoolSize <= 0 {
		return nil
	}
	p := s.pool()
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	tk := p.tenants[tenantID]
	if tk == nil {
		if len(p.tenants) >= keyPoolMaxTenants {
			p.mu.Unlock()
			return nil
		}
		tk = &tenantKeys{}
		p.tenants[tenantID] = tk
	}
	n := s.KeyPoolSize - len(tk.ready)
	p.mu.Unlock()
	made, err := s.makeKeys(ctx, tenantID, n)
	if err != nil {
		return err
	}
	p.mu.Lock()
	closed := p.closed
	if !closed {
		tk.ready = append(tk.ready, made...)
	}
	p.mu.Unlock()
	if closed {
		s.destroyPooled(tenantID, pooledIDs(made))
	}
	return nil
}

// StopKeyPool stops the pool of data keys made ahead: it waits for refills in
// flight, then destroys every key left unused, so a clean shutdown leaves no
// orphan keys. Creates after it make their keys themselves. Call it before
// the key store closes.
func (s *Service) StopKeyPool(ctx context.Context) error {
	if s.KeyPoolSize <= 0 {
		return nil
	}
	p := s.pool()
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.wg.Wait()
	p.mu.Lock()
	left := map[string][]string{}
	for tenantID, tk := range p.tenants {
		if len(tk.ready) > 0 {
			left[tenantID] = pooledIDs(tk.ready)
			tk.ready = nil
		}
	}
	p.mu.Unlock()
	var first error
	for tenantID, ids := range left {
		if err := s.Keys.DeleteDataKeys(ctx, tenantID, ids); err != nil && first == nil {
			first = err
		}
	}
	return first
}
