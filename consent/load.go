package consent

import (
	"context"

	"github.com/privet-dev/privet"
)

// loadPage is how many events one read of the ledger fetches while loading.
const loadPage = 10_000

// Start fills memory from the ledger and, when the store reports other
// servers' writes (PostgreSQL), follows them until Close. Every method calls
// it on first use, so calling it at start only moves the load's cost there.
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

// Close stops following other servers' writes.
func (s *Service) Close() error {
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

// catchUp applies every event after the ledger's read position.
func (s *Service) catchUp(ctx context.Context) error {
	for {
		s.mem.mu.RLock()
		after := s.mem.readThrough
		s.mem.mu.RUnlock()
		var page []*privet.ConsentEvent
		err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
			page, err = tx.ConsentEventsAfter(ctx, after, loadPage)
			return err
		})
		if err != nil {
			return err
		}
		s.applyAll(page)
		if len(page) > 0 {
			// The page is a stable prefix (see ConsentEventsAfter); applying
			// an event twice changes nothing, so overlapping reads are safe.
			s.mem.mu.Lock()
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
	s.applyAll([]*privet.ConsentEvent{e})
}

func (s *Service) applyAll(evs []*privet.ConsentEvent) {
	if len(evs) == 0 {
		return
	}
	s.mem.mu.Lock()
	defer s.mem.mu.Unlock()
	for _, e := range evs {
		s.mem.apply(e)
	}
}
