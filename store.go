package privet

import "context"

// Store is the data store: one database holding everything but the data keys.
type Store interface {
	// Update runs fn in a write transaction and returns nil only once the
	// transaction has committed: a response built after Update means committed.
	// Concurrent Updates may share one database transaction (group commit);
	// each fn is isolated by a savepoint, so one fn's error undoes only its own
	// writes. fn may run on another goroutine and must not retain tx.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// View runs fn against a read-only snapshot; writes through tx fail.
	View(ctx context.Context, fn func(tx Tx) error) error
	Close() error
}

// Tx is a transaction's view of every entity store. Writes through one Tx
// commit together or not at all.
type Tx interface {
	TenantStore
	APIKeyStore
	SubjectStore
	AuditStore
	ConsentStore
	PackageStore
	RequestStore
	IncidentStore
	ComplaintStore
	RegisterStore
	PolicyStore
	HoldStore
	RetentionStore
	JobEnqueuer
}

// Job is a unit of background work. Its Kind names the worker that runs it;
// its exported fields are its JSON-encoded arguments.
type Job interface {
	Kind() string
}

// JobEnqueuer enqueues durable jobs in the caller's transaction, so a job
// exists if and only if the change that needs it committed.
type JobEnqueuer interface {
	Enqueue(ctx context.Context, job Job) error
}
