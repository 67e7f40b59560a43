package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
)

// consentChannel is the notification channel of new consent events. Its
// payload is "schema seq": one database may hold several privet schemas
// (tests do), and a server follows its own.
const consentChannel = "privet_consent"

const consentColumns = `seq, id, tenant_id, subject_id, visitor, purpose, state, source, policy_version,
	jurisdiction, notice_hash, user_agent, ip, guardian, "time"`

// consentOrderLock is the statement part that takes, before an insert draws
// its seq, the transaction-level advisory lock that orders consent writers:
// seqs are drawn only by the lock's holder, which keeps it until it commits
// or rolls back, so no event can commit with a seq below one already
// visible. A reader can then follow the ledger by "seq above the last I
// read" without ever stepping over an event still in flight (see
// ConsentEventsAfter). The key is the table's oid: one per privet schema of
// the database. Taking it again in the same transaction is free.
const consentOrderLock = `(SELECT pg_advisory_xact_lock('consent_events'::regclass::oid::bigint)) AS consent_order`

// AppendConsent inserts e and notifies the other servers, on commit, of its seq.
func (t *tx) AppendConsent(ctx context.Context, e *privet.ConsentEvent) error {
	if e.State == privet.StateLinked {
		return privet.FieldError("state", "links are made with LinkVisitor")
	}
	if !t.write {
		return errWriteInView()
	}
	return t.insertConsent(ctx, t.q, e)
}

// LinkVisitor appends the link event in a savepoint, so a lost race (the
// partial unique index on linked visitors) leaves the transaction usable.
func (t *tx) LinkVisitor(ctx context.Context, e *privet.ConsentEvent) error {
	if e.State != privet.StateLinked || e.SubjectID == "" || len(e.Visitor) == 0 {
		return privet.FieldError("state", "a link names a subject and a visitor")
	}
	return t.savepoint(ctx, func(q pgx.Tx) error { return t.insertConsent(ctx, q, e) })
}

// AppendLiveConsent inserts e only while its subject exists and is not
// erased, and gives it the subject's jurisdiction when it names none, in
// one round trip that also notifies the other servers on commit. The
// subject's row is not locked beyond the foreign key's KEY SHARE: an
// erasure committing meanwhile orders after this write, as it did when the
// subject was read before the insert, and locking more would let two
// batches that touch the same subjects in different orders deadlock.
func (t *tx) AppendLiveConsent(ctx context.Context, e *privet.ConsentEvent) error {
	if e.State == privet.StateLinked {
		return privet.FieldError("state", "links are made with LinkVisitor")
	}
	if e.SubjectID == "" {
		return privet.FieldError("subject_id", "a live consent names a subject")
	}
	if !t.write {
		return errWriteInView()
	}
	var visitor []byte
	if len(e.Visitor) > 0 {
		visitor = e.Visitor
	}
	err := t.q.QueryRow(ctx, `WITH ins AS (INSERT INTO consent_events (id, tenant_id, subject_id, visitor, purpose, state,
			source, policy_version, jurisdiction, notice_hash, user_agent, ip, guardian, "time")
		SELECT $1, tenant_id, id, $2, $3, $4, $5, $6, COALESCE(NULLIF($7, ''), jurisdiction), $8, $9, $10, $11, $12
		FROM subjects, `+consentOrderLock+` WHERE tenant_id = $13 AND id = $14 AND status <> $15
		RETURNING seq, jurisdiction)
		SELECT ins.seq, ins.jurisdiction FROM ins, pg_notify($16, current_schema() || ' ' || ins.seq) AS n`,
		e.ID, visitor, e.Purpose, string(e.State), string(e.Source), e.PolicyVersion, e.Jurisdiction, e.NoticeHash,
		e.UserAgent, e.IP, e.Guardian, e.Time.UTC(), e.TenantID, e.SubjectID, string(privet.StatusErased),
		consentChannel).Scan(&e.Seq, &e.Jurisdiction)
	if errors.Is(err, pgx.ErrNoRows) {
		return notFound("subject")
	}
	return dbError("append consent", err)
}

func (t *tx) insertConsent(ctx context.Context, q pgx.Tx, e *privet.ConsentEvent) error {
	var subject *string
	if e.SubjectID != "" {
		subject = &e.SubjectID
	}
	var visitor []byte
	if len(e.Visitor) > 0 {
		visitor = e.Visitor
	}
	err := q.QueryRow(ctx, `INSERT INTO consent_events (id, tenant_id, subject_id, visitor, purpose, state, source,
		policy_version, jurisdiction, notice_hash, user_agent, ip, guardian, "time")
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 FROM `+consentOrderLock+` RETURNING seq`,
		e.ID, e.TenantID, subject, visitor, e.Purpose, string(e.State), string(e.Source), e.PolicyVersion,
		e.Jurisdiction, e.NoticeHash, e.UserAgent, e.IP, e.Guardian, e.Time.UTC()).Scan(&e.Seq)
	switch {
	case isUnique(err):
		return privet.Errorf(privet.ECONFLICT, "the visitor is already linked to a subject")
	case isForeignKey(err):
		return notFound("subject")
	case err != nil:
		return dbError("append consent", err)
	}
	_, err = q.Exec(ctx, `SELECT pg_notify($1, current_schema() || ' ' || $2)`, consentChannel, strconv.FormatInt(e.Seq, 10))
	return dbError("notify consent", err)
}

func (t *tx) ConsentEvents(ctx context.Context, tenantID string, q privet.ConsentQuery) ([]*privet.ConsentEvent, error) {
	switch {
	case (q.SubjectID == "") == (len(q.Visitor) == 0):
		return nil, privet.FieldError("subject_id", "name either a subject or a visitor")
	case q.SubjectID != "":
		return t.consentRows(ctx, `SELECT `+consentColumns+` FROM consent_events
			WHERE tenant_id = $1 AND seq > $2 AND (subject_id = $3 OR visitor IN (
				SELECT visitor FROM consent_events WHERE tenant_id = $1 AND subject_id = $3 AND state = 'linked'))
			ORDER BY seq LIMIT $4`, tenantID, q.AfterSeq, q.SubjectID, pageLimit(q.Limit))
	}
	return t.consentRows(ctx, `SELECT `+consentColumns+` FROM consent_events
		WHERE tenant_id = $1 AND visitor = $2 AND seq > $3 ORDER BY seq LIMIT $4`, tenantID, q.Visitor, q.AfterSeq, pageLimit(q.Limit))
}

func (t *tx) ConsentEvent(ctx context.Context, tenantID, id string) (*privet.ConsentEvent, error) {
	evs, err := t.consentRows(ctx, `SELECT `+consentColumns+` FROM consent_events WHERE tenant_id = $1 AND id = $2`, tenantID, id)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		return nil, notFound("consent event")
	}
	return evs[0], nil
}

func (t *tx) ConsentEventsAfter(ctx context.Context, afterSeq int64, limit int) ([]*privet.ConsentEvent, error) {
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	// Writers draw seqs one transaction at a time (consentOrderLock), so
	// what a snapshot sees is every event up to some seq, less the seqs of
	// rolled-back writes: an event still in flight always has a higher seq.
	return t.consentRows(ctx, `SELECT `+consentColumns+` FROM consent_events WHERE seq > $1 ORDER BY seq LIMIT $2`, afterSeq, limit)
}

func (t *tx) ConsentChoicesAfter(ctx context.Context, afterSeq int64, limit int, fn func(*privet.ConsentEvent)) (int, error) {
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	rows, err := t.q.Query(ctx, `SELECT seq, tenant_id, subject_id, visitor, purpose, state, source, policy_version,
		jurisdiction, guardian, "time" FROM consent_events WHERE seq > $1 ORDER BY seq LIMIT $2`, afterSeq, limit)
	if err != nil {
		return 0, dbError("consent events", err)
	}
	defer rows.Close()
	var e privet.ConsentEvent
	n := 0
	for rows.Next() {
		var subject *string
		var state, source string
		var at time.Time
		if err := rows.Scan(&e.Seq, &e.TenantID, &subject, &e.Visitor, &e.Purpose, &state, &source, &e.PolicyVersion,
			&e.Jurisdiction, &e.Guardian, &at); err != nil {
			return n, dbError("consent events", err)
		}
		e.SubjectID = ""
		if subject != nil {
			e.SubjectID = *subject
		}
		e.State, e.Source = privet.ConsentState(state), privet.ConsentSource(source)
		e.Time = at.UTC()
		fn(&e)
		n++
	}
	return n, dbError("consent events", rows.Err())
}

func (t *tx) ConsentEventAt(ctx context.Context, seq int64) (*privet.ConsentEvent, error) {
	evs, err := t.consentRows(ctx, `SELECT `+consentColumns+` FROM consent_events WHERE seq = $1`, seq)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		return nil, notFound("consent event")
	}
	return evs[0], nil
}

func (t *tx) consentRows(ctx context.Context, query string, args ...any) ([]*privet.ConsentEvent, error) {
	rows, err := t.q.Query(ctx, query, args...)
	if err != nil {
		return nil, dbError("consent events", err)
	}
	defer rows.Close()
	var out []*privet.ConsentEvent
	for rows.Next() {
		var e privet.ConsentEvent
		var subject *string
		var state, source string
		var at time.Time
		if err := rows.Scan(&e.Seq, &e.ID, &e.TenantID, &subject, &e.Visitor, &e.Purpose, &state, &source, &e.PolicyVersion,
			&e.Jurisdiction, &e.NoticeHash, &e.UserAgent, &e.IP, &e.Guardian, &at); err != nil {
			return nil, dbError("consent events", err)
		}
		if subject != nil {
			e.SubjectID = *subject
		}
		e.State, e.Source = privet.ConsentState(state), privet.ConsentSource(source)
		e.Time = at.UTC()
		out = append(out, &e)
	}
	return out, dbError("consent events", rows.Err())
}

// consentCatchUpEvery is how often a follower reads the ledger even when no
// notification came.
const consentCatchUpEvery = 10 * time.Second

// FollowConsent calls fn with the seq of every consent event committed to
// this store's schema, by any server, until ctx ends. It holds one pooled
// connection in LISTEN. After it (re)connects it calls fn(0): notifications
// may have been missed, and the follower should catch up by reading.
func (s *Store) FollowConsent(ctx context.Context, fn func(seq int64)) error {
	for ctx.Err() == nil {
		// An error means the connection dropped; the retry reconnects and
		// fn(0) makes the follower catch up, so there is nothing to report.
		_ = s.listenConsent(ctx, fn)
		if ctx.Err() != nil {
			break
		}
		// Wait a little before listening again.
		t := time.NewTimer(time.Second)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
	return ctx.Err()
}

func (s *Store) listenConsent(ctx context.Context, fn func(seq int64)) error {
	pooled, err := s.pool.Acquire(ctx)
	if err != nil {
		return unavailable("acquire listener", err)
	}
	// A connection that has listened must not go back to the pool.
	conn := pooled.Hijack()
	defer conn.Close(context.WithoutCancel(ctx)) //nolint:errcheck // closing a dropped connection
	var schema string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return dbError("current schema", err)
	}
	if _, err := conn.Exec(ctx, `LISTEN `+consentChannel); err != nil {
		return dbError("listen", err)
	}
	fn(0)
	for {
		// A notification applies one event at once; a catch-up now and then
		// also reads what a notification could not deliver in order (an
		// event that committed after a later one, see ConsentEventsAfter).
		wait, cancel := context.WithTimeout(ctx, consentCatchUpEvery)
		n, err := conn.WaitForNotification(wait)
		cancel()
		if err != nil && ctx.Err() == nil && wait.Err() != nil && !conn.IsClosed() {
			fn(0)
			continue
		}
		if err != nil {
			return dbError("wait for notification", err)
		}
		sch, num, ok := strings.Cut(n.Payload, " ")
		if !ok || sch != schema {
			continue
		}
		seq, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return fmt.Errorf("postgres: bad consent notification: %w", err)
		}
		fn(seq)
	}
}
