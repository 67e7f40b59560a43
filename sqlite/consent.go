package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/privet-dev/privet"
)

const consentColumns = `seq, id, tenant_id, subject_id, visitor, purpose, state, source, policy_version,
	jurisdiction, notice_hash, user_agent, ip, guardian, time`

// AppendConsent inserts e; SQLite assigns its Seq.
func (t *tx) AppendConsent(ctx context.Context, e *privet.ConsentEvent) error {
	if e.State == privet.StateLinked {
		return privet.FieldError("state", "links are made with LinkVisitor")
	}
	return t.insertConsent(ctx, e)
}

// LinkVisitor appends the link event; the partial unique index on linked
// visitors turns a second link into ECONFLICT.
func (t *tx) LinkVisitor(ctx context.Context, e *privet.ConsentEvent) error {
	if e.State != privet.StateLinked || e.SubjectID == "" || len(e.Visitor) == 0 {
		return privet.FieldError("state", "a link names a subject and a visitor")
	}
	return t.insertConsent(ctx, e)
}

// AppendLiveConsent inserts e only while its subject exists and is not
// erased, and gives it the subject's jurisdiction when it names none. The
// check is part of the INSERT, so it holds at commit: the single writer runs
// no erasure between the check and the insert.
func (t *tx) AppendLiveConsent(ctx context.Context, e *privet.ConsentEvent) error {
	if e.State == privet.StateLinked {
		return privet.FieldError("state", "links are made with LinkVisitor")
	}
	if e.SubjectID == "" {
		return privet.FieldError("subject_id", "a live consent names a subject")
	}
	var visitor any
	if len(e.Visitor) > 0 {
		visitor = e.Visitor
	}
	err := t.queryRow(ctx, insertLiveConsentSQL,
		e.ID, visitor, e.Purpose, string(e.State), string(e.Source), e.PolicyVersion, e.Jurisdiction,
		e.NoticeHash, e.UserAgent, e.IP, e.Guardian, e.Time.UnixNano(), e.TenantID, e.SubjectID).Scan(&e.Seq, &e.Jurisdiction)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return notFound("subject")
	case isForeignKey(err):
		return notFound("subject")
	}
	return dbError("append consent", err)
}

// insertLiveConsentSQL selects the subject's row, not constants, so no row
// is inserted unless the subject is live. Its parameters are anonymous:
// the driver allocates the name of every numbered one on each run.
var insertLiveConsentSQL = `INSERT INTO consent_events (id, tenant_id, subject_id, visitor, purpose, state, source,
	policy_version, jurisdiction, notice_hash, user_agent, ip, guardian, time)
	SELECT ?, tenant_id, id, ?, ?, ?, ?, ?, coalesce(nullif(?, ''), jurisdiction), ?, ?, ?, ?, ?
	FROM subjects WHERE tenant_id = ? AND id = ? AND status <> '` + string(privet.StatusErased) + `'
	RETURNING seq, jurisdiction`

func (t *tx) insertConsent(ctx context.Context, e *privet.ConsentEvent) error {
	var subject, visitor any
	if e.SubjectID != "" {
		subject = e.SubjectID
	}
	if len(e.Visitor) > 0 {
		visitor = e.Visitor
	}
	err := t.queryRow(ctx, `INSERT INTO consent_events (id, tenant_id, subject_id, visitor, purpose, state, source,
		policy_version, jurisdiction, notice_hash, user_agent, ip, guardian, time)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
		e.ID, e.TenantID, subject, visitor, e.Purpose, string(e.State), string(e.Source), e.PolicyVersion,
		e.Jurisdiction, e.NoticeHash, e.UserAgent, e.IP, e.Guardian, e.Time.UnixNano()).Scan(&e.Seq)
	switch {
	case isUnique(err):
		return privet.Errorf(privet.ECONFLICT, "the visitor is already linked to a subject")
	case isForeignKey(err):
		return notFound("subject")
	}
	return dbError("append consent", err)
}

func (t *tx) ConsentEvents(ctx context.Context, tenantID string, q privet.ConsentQuery) ([]*privet.ConsentEvent, error) {
	switch {
	case (q.SubjectID == "") == (len(q.Visitor) == 0):
		return nil, privet.FieldError("subject_id", "name either a subject or a visitor")
	case q.SubjectID != "":
		return t.consentRows(ctx, `SELECT `+consentColumns+` FROM consent_events
			WHERE tenant_id = ? AND seq > ? AND (subject_id = ? OR visitor IN (
				SELECT visitor FROM consent_events WHERE tenant_id = ? AND subject_id = ? AND state = 'linked'))
			ORDER BY seq LIMIT ?`, tenantID, q.AfterSeq, q.SubjectID, tenantID, q.SubjectID, pageLimit(q.Limit))
	}
	return t.consentRows(ctx, `SELECT `+consentColumns+` FROM consent_events
		WHERE tenant_id = ? AND visitor = ? AND seq > ? ORDER BY seq LIMIT ?`, tenantID, q.Visitor, q.AfterSeq, pageLimit(q.Limit))
}

func (t *tx) ConsentEvent(ctx context.Context, tenantID, id string) (*privet.ConsentEvent, error) {
	evs, err := t.consentRows(ctx, `SELECT `+consentColumns+` FROM consent_events WHERE tenant_id = ? AND id = ?`, tenantID, id)
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
	return t.consentRows(ctx, `SELECT `+consentColumns+` FROM consent_events WHERE seq > ? ORDER BY seq LIMIT ?`, afterSeq, limit)
}

func (t *tx) ConsentChoicesAfter(ctx context.Context, afterSeq int64, limit int, fn func(*privet.ConsentEvent)) (int, error) {
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	rows, err := t.query(ctx, `SELECT seq, tenant_id, subject_id, visitor, purpose, state, source, policy_version,
		jurisdiction, guardian, time FROM consent_events WHERE seq > ? ORDER BY seq LIMIT ?`, afterSeq, limit)
	if err != nil {
		return 0, dbError("consent events", err)
	}
	defer rows.Close()
	var e privet.ConsentEvent
	n := 0
	for rows.Next() {
		var subject *string
		var state, source string
		var at int64
		if err := rows.Scan(&e.Seq, &e.TenantID, &subject, &e.Visitor, &e.Purpose, &state, &source, &e.PolicyVersion,
			&e.Jurisdiction, &e.Guardian, &at); err != nil {
			return n, dbError("consent events", err)
		}
		e.SubjectID = ""
		if subject != nil {
			e.SubjectID = *subject
		}
		e.State, e.Source = privet.ConsentState(state), privet.ConsentSource(source)
		e.Time = time.Unix(0, at).UTC()
		fn(&e)
		n++
	}
	return n, dbError("consent events", rows.Err())
}

func (t *tx) ConsentEventAt(ctx context.Context, seq int64) (*privet.ConsentEvent, error) {
	evs, err := t.consentRows(ctx, `SELECT `+consentColumns+` FROM consent_events WHERE seq = ?`, seq)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		return nil, notFound("consent event")
	}
	return evs[0], nil
}

func (t *tx) consentRows(ctx context.Context, query string, args ...any) ([]*privet.ConsentEvent, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, dbError("consent events", err)
	}
	defer rows.Close()
	var out []*privet.ConsentEvent
	for rows.Next() {
		var e privet.ConsentEvent
		var subject *string
		var state, source string
		var at int64
		if err := rows.Scan(&e.Seq, &e.ID, &e.TenantID, &subject, &e.Visitor, &e.Purpose, &state, &source, &e.PolicyVersion,
			&e.Jurisdiction, &e.NoticeHash, &e.UserAgent, &e.IP, &e.Guardian, &at); err != nil {
			return nil, dbError("consent events", err)
		}
		if subject != nil {
			e.SubjectID = *subject
		}
		e.State, e.Source = privet.ConsentState(state), privet.ConsentSource(source)
		e.Time = time.Unix(0, at).UTC()
		out = append(out, &e)
	}
	return out, dbError("consent events", rows.Err())
}
