package storetest

import (
	"context"
	"sync/atomic"

	"github.com/privet-dev/privet"
)

// Faulty is a real store whose write transactions fail at the nth consent
// event appended (FailAt, 1-based; 0 never), after the writes before it in
// the same transaction were made: a failure in the middle of a write, such
// as a full disk or a lost connection. Tests use it to show that a write of
// several events commits all of them or none.
type Faulty struct {
	privet.Store
	FailAt   atomic.Int32
	appended atomic.Int32
}

// Reset restarts the count of appended events.
func (f *Faulty) Reset(failAt int32) {
	f.FailAt.Store(failAt)
	f.appended.Store(0)
}

func (f *Faulty) Update(ctx context.Context, fn func(tx privet.Tx) error) error {
	return f.Store.Update(ctx, func(tx privet.Tx) error { return fn(faultyTx{Tx: tx, store: f}) })
}

type faultyTx struct {
	privet.Tx
	store *Faulty
}

func (t faultyTx) AppendConsent(ctx context.Context, e *privet.ConsentEvent) error {
	if n := t.store.appended.Add(1); n == t.store.FailAt.Load() {
		return privet.Errorf(privet.EUNAVAILABLE, "injected failure")
	}
	return t.Tx.AppendConsent(ctx, e)
}

func (t faultyTx) AppendLiveConsent(ctx context.Context, e *privet.ConsentEvent) error {
	if n := t.store.appended.Add(1); n == t.store.FailAt.Load() {
		return privet.Errorf(privet.EUNAVAILABLE, "injected failure")
	}
	return t.Tx.AppendLiveConsent(ctx, e)
}
