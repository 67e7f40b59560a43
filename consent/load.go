package consent

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
)

// loadPage is how many events one read of the ledger fetches while loading.
const loadPage = 10_000

// DefaultLoadRetry is how long a background load waits after a failure
// before it reads the ledger again, from where it stopped.
const DefaultLoadRetry = 5 * time.Second

// ErrLoading is what every method that needs the decision memory returns
// while a background load (LoadInBackground) has not filled it yet: it
// fails closed rather than answer from a partial ledger.
var ErrLoading = &privet.Error{Code: privet.EUNAVAILABLE, Message: "consent decisions are loading"}

// Start fills memory from the ledger and, when the store reports other
// servers' writes (PostgreSQL), follows them until Close. It blocks until
// memory is filled.
//
// Every method that needs memory checks it first (ready): once filled it
// answers; while a background load runs it fails with ErrLoading; with
// neither (a one-off command, a test) it calls Start itself.
func (s *Service) Start(ctx context.Context) error {
	if s.loaded() {
		return nil
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	if s.loaded() {
		return nil
	}
	if err := s.catchUp(ctx); err != nil {
		return err
	}
	s.mem.mu.Lock()
	s.mem.loaded = true
	s.mem.mu.Unlock()
	if f, ok := s.Store.(Follower); ok {
		// The follower outlives the request that happened to start it.
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		s.stop, s.followed = cancel, make(chan struct{})
		go func() {
			defer close(s.followed)
			_ = f.FollowConsent(fctx, func(seq int64) { s.follow(fctx, seq) })
		}()
	}
	return nil
}

// LoadInBackground starts filling memory and returns at once: a server
// listens while it loads. Until memory is filled, every method that needs
// it returns ErrLoading and Ready reports it. A failed load is logged and
// tried again after LoadRetry, resuming where it stopped, until it succeeds
// or ctx ends or Close is called.
func (s *Service) LoadInBackground(ctx context.Context) {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	if s.loaded() || s.background.Load() {
		return
	}
	lctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	s.bgMu.Lock()
	s.stopLoad, s.loadDone = cancel, done
	s.bgMu.Unlock()
	s.background.Store(true)
	go func() {
		defer close(done)
		for {
			err := s.Start(lctx)
			if err == nil || lctx.Err() != nil {
				return
			}
			s.logger().Error("consent load failed; retrying", "error", privet.ErrorCode(err), "retry_in", s.loadRetry().String())
			t := time.NewTimer(s.loadRetry())
			select {
			case <-t.C:
			case <-lctx.Done():
				t.Stop()
				return
			}
		}
	}()
}

// Ready reports ErrLoading while a background load has not filled memory,
// nil otherwise (without one, methods load memory themselves on first use).
func (s *Service) Ready() error {
	if s.loaded() || !s.background.Load() {
		return nil
	}
	return ErrLoading
}

// ready is what every method that needs memory calls first (see Start).
func (s *Service) ready(ctx context.Context) error {
	if s.loaded() {
		return nil
	}
	if s.background.Load() {
		return ErrLoading
	}
	return s.Start(ctx)
}

func (s *Service) loadRetry() time.Duration {
	if s.LoadRetry > 0 {
		return s.LoadRetry
	}
	return DefaultLoadRetry
}

// Close stops a background load and following other servers' writes.
func (s *Service) Close() error {
	// The load holds loadMu while it reads: stop it first.
	s.bgMu.Lock()
	stop, done := s.stopLoad, s.loadDone
	s.bgMu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	if s.stop != nil {
		s.stop()
		<-s.followed
		s.stop = nil
	}
	return nil
}

func (s *Service) loaded() bool {
	s.mem.mu.RLock()
	defer s.mem.mu.RUnlock()
	return s.mem.loaded
}

// catchUp applies every event after the ledger's read position. It reads
// only what memory needs (ConsentChoicesAfter), a page at a time into
// values reused from page to page, and applies each page under one lock.
func (s *Service) catchUp(ctx context.Context) error {
	page := make([]privet.ConsentEvent, 0, loadPage)
	for {
		s.mem.mu.RLock()
		after := s.mem.readThrough
		s.mem.mu.RUnlock()
		page = page[:0]
		err := s.Store.View(ctx, func(tx privet.Tx) error {
			page = page[:0] // a retried transaction starts the page again
			_, err := tx.ConsentChoicesAfter(ctx, after, loadPage, func(e *privet.ConsentEvent) {
				page = append(page, *e)
			})
			return err
		})
		if err != nil {
			return err
		}
		if len(page) > 0 {
			cutoffs, err := s.linkCutoffs(ctx, page)
			if err != nil {
				return err
			}
			// The page is a stable prefix (see ConsentEventsAfter); applying
			// an event twice changes nothing, so overlapping reads are safe.
			s.mem.mu.Lock()
			for i := range page {
				s.mem.apply(&page[i], cutoffs[i])
			}
			s.mem.readThrough = max(s.mem.readThrough, page[len(page)-1].Seq)
			s.mem.mu.Unlock()
		}
		if len(page) < loadPage {
			return nil
		}
	}
}

// follow applies the event another server (or this one) committed.
func (s *Service) follow(ctx context.Context, seq int64) {
	if seq == 0 {
		if err := s.catchUp(ctx); err != nil && ctx.Err() == nil {
			s.logger().Error("consent catch-up", "error", privet.ErrorCode(err))
		}
		return
	}
	var e *privet.ConsentEvent
	err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		e, err = tx.ConsentEventAt(ctx, seq)
		return err
	})
	if err != nil {
		if ctx.Err() == nil && privet.ErrorCode(err) != privet.ENOTFOUND {
			s.logger().Error("consent follow", "error", privet.ErrorCode(err))
		}
		return
	}
	cutoffs, err := s.linkCutoffs(ctx, []privet.ConsentEvent{*e})
	if err != nil {
		if ctx.Err() == nil {
			s.logger().Error("consent follow", "error", privet.ErrorCode(err))
		}
		return
	}
	s.mem.mu.Lock()
	s.mem.apply(e, cutoffs[0])
	s.mem.mu.Unlock()
}

// linkCutoffs returns, by index in evs, the cutoff memory.apply needs for
// each link: the policy's VisitorCutoff at the link's time. Other events are
// absent (0). Links are rare, so most pages get a nil map. The policy is read
// here, before memory's lock is taken.
func (s *Service) linkCutoffs(ctx context.Context, evs []privet.ConsentEvent) (map[int]int64, error) {
	var cutoffs map[int]int64
	for i := range evs {
		e := &evs[i]
		if e.State != privet.StateLinked {
			continue
		}
		pol, err := s.Policies.Policy(ctx, e.TenantID)
		switch {
		case privet.ErrorCode(err) == privet.ENOTFOUND:
			continue // no policy, no rule over cookie data
		case err != nil:
			return nil, err
		}
		if cutoffs == nil {
			cutoffs = map[int]int64{}
		}
		cutoffs[i] = pol.VisitorCutoff(e.Time)
	}
	return cutoffs, nil
}
