// Package jobs runs privet's durable background work (request execution,
// retention sweeps, key rotation, notifications) on River, over the same
// database as the data: SQLite or PostgreSQL.
//
// # Enqueueing
//
// A job that a data change needs is enqueued in that change's transaction
// (the stores' Tx.Enqueue), so it exists if and only if the change committed.
// Runner.Enqueue is for work that follows no data change, such as a command
// run from the CLI.
//
// # Delivery and idempotency
//
// Delivery is at least once. A job whose worker returns an error is retried
// with River's backoff; a job claimed by a process that dies is rescued once it
// has been running for longer than Options.RescueAfter and run again by another
// process. A worker may therefore run twice for one job, and a worker must be
// idempotent: it checks the state of what it acts on before acting (a request
// task already done is skipped, a subject already erased is not erased again,
// a notification records that it was sent in the same transaction that marks
// its task done), so a second run finds nothing left to do. A worker that
// meets an error no retry can fix returns Cancel(err) to stop retrying.
//
// A live process gives up on a job (its context is cancelled) after half of
// RescueAfter, so another process never rescues a job that is still being
// worked by a healthy one.
//
// # Periodic jobs and the leader
//
// Every Runner that is started takes part in River's leader election, held in
// the database. Only the elected leader enqueues periodic jobs (and runs
// River's maintenance: rescuing abandoned jobs, scheduling retries, cleaning
// finished jobs), so a periodic job is enqueued once per interval however many
// `privet serve` processes share the database; any process may then work it.
// When the leader dies, another process takes over once the leader's lease
// expires (about 15 seconds), and the new leader enqueues every Periodic with
// RunOnStart again.
// RunOnce runs a periodic job's worker directly, which is how the CLI runs a
// sweep on demand.
//
// # Privacy
//
// Job arguments may hold identifiers, so they are never logged: logs carry a
// job's kind, id, attempt and error code. The error a worker returns is
// reduced to its privet code and safe message before River stores it with the
// job, and a panic in a worker is recorded as an internal error without its
// value.
//
// # SQLite
//
// River on SQLite polls for new jobs (there is no LISTEN/NOTIFY) and needs a
// database opened with WAL, a busy timeout and write transactions that take
// the write lock when they begin, e.g. the DSN
// "file:privet.db?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate".
// Without _txlock=immediate a transaction that reads before it writes can fail
// with "database is locked" instead of waiting for the lock; a pool of one
// connection (db.SetMaxOpenConns(1)) also avoids that within one process.
package jobs
