package notifytest

import (
	"context"
	"fmt"
	"sync"
)

// inbox keeps what a test server accepted and lets a test wait for it
// without sleeping: every arrival wakes the waiters.
type inbox[T any] struct {
	mu      sync.Mutex
	items   []T
	arrived chan struct{} // closed and replaced whenever an item arrives
}

func (b *inbox[T]) add(item T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.items = append(b.items, item)
	if b.arrived != nil {
		close(b.arrived)
		b.arrived = nil
	}
}

// all returns the items so far, oldest first.
func (b *inbox[T]) all() []T {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]T(nil), b.items...)
}

// waitFor blocks until at least n items have arrived, and returns them, or
// returns ctx's error; what names the items in that error.
func (b *inbox[T]) waitFor(ctx context.Context, n int, what string) ([]T, error) {
	for {
		b.mu.Lock()
		if len(b.items) >= n {
			out := append([]T(nil), b.items...)
			b.mu.Unlock()
			return out, nil
		}
		if b.arrived == nil {
			b.arrived = make(chan struct{})
		}
		arrived := b.arrived
		b.mu.Unlock()
		select {
		case <-arrived:
		case <-ctx.Done():
			return nil, fmt.Errorf("notifytest: waiting for %d %s: %w", n, what, ctx.Err())
		}
	}
}
