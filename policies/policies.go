// Package policies keeps each tenant's published policy versions and serves
// the one in force: a version is published with its YAML source, takes
// effect on its effective date (by the injected clock), and, when it changes
// the one before it materially, is announced to people by email before then.
// A tenant that has published no version is served the server's configured
// policy file.
package policies

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// DefaultRefresh is how long a tenant's cached versions are trusted before
// the store is asked whether another server published one.
const DefaultRefresh = time.Second

// Service publishes policy versions and serves the version in force. Its
// Policy method is the provider the vault and consent services take.
type Service struct {
	Store privet.Store
	// Fallback is the server's configured policy: served to a tenant with
	// no published version. Nil means such a tenant has no policy.
	Fallback *policy.Compiled
	Clock    privet.Clock
	Logger   *slog.Logger
	// Refresh overrides DefaultRefresh.
	Refresh time.Duration
	// Renewer marks consents for renewal when a version takes effect.
	// Optional: without it, activation only records the version in force.
	Renewer Renewer
	// Notices sends the emails of material changes. Optional: without it,
	// the notice job fails and is retried until one is configured.
	Notices *Notices

	// cache holds a *tenantVersions per tenant id. Every vault read and
	// consent decision asks it, so its reads take no lock.
	cache sync.Map
	// loadMu lets one caller at a time refresh the cache, so the requests
	// that find it stale at the same moment wait for one read of the store
	// instead of each making its own.
	loadMu sync.Mutex
}

// Renewer asks people again for consents a new version no longer covers
// (consent.Service fits).
type Renewer interface {
	Renew(ctx context.Context, actor privet.Actor, tenantID string, old, new *policy.Compiled) (int, error)
	RenewPurposes(ctx context.Context, actor privet.Actor, tenantID string, purposes []string, new *policy.Compiled) (int, error)
}

// tenantVersions is one tenant's published versions, compiled, by effective
// date: the cache behind Policy.
type tenantVersions struct {
	stamp    int64
	checked  time.Time
	versions []compiledVersion
}

type compiledVersion struct {
	stored   *privet.PolicyVersion
	compiled *policy.Compiled
}

func (s *Service) now() time.Time { return privet.ClockOr(s.Clock).Now() }

func (s *Service) logger() *slog.Logger { return privet.LoggerOr(s.Logger) }

func (s *Service) refresh() time.Duration {
	if s.Refresh > 0 {
		return s.Refresh
	}
	return DefaultRefresh
}

// Policy returns the tenant's policy in force now: the last published
// version whose effective date has passed, or the configured policy when
// there is none. A version with a later effective date is scheduled, not in
// force. It is compiled once and served from memory; a version published on
// this server is seen at once, one published on another within Refresh.
// EUNAVAILABLE when the tenant has no policy at all.
func (s *Service) Policy(ctx context.Context, tenantID string) (*policy.Compiled, error) {
	now := s.now()
	tv := s.cached(tenantID)
	if s.stale(tv, now) {
		var err error
		if tv, err = s.refreshed(ctx, tenantID, now); err != nil {
			return nil, err
		}
	}
	if v := tv.inForce(now); v != nil {
		return v.compiled, nil
	}
	if s.Fallback == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "no policy is loaded")
	}
	return s.Fallback, nil
}

// stale reports whether the entry is due a check against the store. The
// distance is taken both ways: a clock set back (tests travel in time) must
// not freeze the cache, and a caller whose now was read just before another
// refreshed must not refresh again.
func (s *Service) stale(tv *tenantVersions, now time.Time) bool {
	if tv == nil {
		return true
	}
	d := now.Sub(tv.checked)
	return d >= s.refresh() || -d >= s.refresh()
}

// refreshed returns the tenant's cache entry, read again from the store
// unless another caller did so while this one waited.
func (s *Service) refreshed(ctx context.Context, tenantID string, now time.Time) (*tenantVersions, error) {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	tv := s.cached(tenantID)
	if !s.stale(tv, now) {
		return tv, nil
	}
	return s.load(ctx, tenantID, tv, now)
}

// inForce is the last version effective at t, or nil.
func (tv *tenantVersions) inForce(t time.Time) *compiledVersion {
	for i := len(tv.versions) - 1; i >= 0; i-- {
		if !tv.versions[i].stored.Effective.After(t) {
			return &tv.versions[i]
		}
	}
	return nil
}

// load refreshes the tenant's cache entry: a cheap stamp read, and the
// versions read and compiled again only when the stamp moved.
func (s *Service) load(ctx context.Context, tenantID string, old *tenantVersions, now time.Time) (*tenantVersions, error) {
	var stamp int64
	var stored []*privet.PolicyVersion
	err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		if stamp, err = tx.PolicyChangeStamp(ctx, tenantID); err != nil {
			return err
		}
		if old != nil && old.stamp == stamp {
			return nil
		}
		stored, err = tx.PolicyVersions(ctx, tenantID)
		return err
	})
	if err != nil {
		return nil, err
	}
	tv := &tenantVersions{stamp: stamp, checked: now}
	if old != nil && old.stamp == stamp {
		tv.versions = old.versions
	} else {
		compiled := map[string]*policy.Compiled{}
		if old != nil {
			for _, v := range old.versions {
				compiled[v.stored.SHA256] = v.compiled
			}
		}
		for _, v := range stored {
			c := compiled[v.SHA256]
			if c == nil {
				if c, err = compile(v); err != nil {
					return nil, err
				}
			}
			tv.versions = append(tv.versions, compiledVersion{stored: v, compiled: c})
		}
	}
	s.cache.Store(tenantID, tv)
	return tv, nil
}

// forget drops the tenant's cache entry, so the next Policy reads the store.
func (s *Service) forget(tenantID string) {
	s.cache.Delete(tenantID)
}

// cached is the tenant's cache entry, or nil.
func (s *Service) cached(tenantID string) *tenantVersions {
	tv, _ := s.cache.Load(tenantID)
	v, _ := tv.(*tenantVersions)
	return v
}

// compile compiles a stored version. It was valid when published, so a
// failure now means the stored source was changed or this binary's rules
// changed: an integrity problem, not the caller's.
func compile(v *privet.PolicyVersion) (*policy.Compiled, error) {
	c, err := policy.Parse("version "+v.Version, v.Source)
	if err != nil {
		return nil, privet.Errorf(privet.EINTEGRITY, "stored policy version %q no longer compiles", v.Version)
	}
	return c, nil
}
