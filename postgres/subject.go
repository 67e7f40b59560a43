package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/internal/groupcommit"
)

const (
	insertIdentitySQL = `INSERT INTO identities (tenant_id, subject_id, type, idx, sealed) VALUES ($1, $2, $3, $4, $5)`
	upsertFieldSQL    = `INSERT INTO fields (tenant_id, subject_id, name, category, sealed, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (tenant_id, subject_id, name) DO UPDATE SET category = excluded.category, sealed = excluded.sealed, updated_at = excluded.updated_at`
	identityConstraint = "identities_index_key"
)

// CreateSubject sends the subject, its identities and fields in one batch
// (one round trip) inside a savepoint, so a conflict undoes all of it.
func (t *tx) CreateSubject(ctx context.Context, s *privet.Subject) error {
	return t.savepoint(ctx, func(q pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO subjects (tenant_id, id, jurisdiction, status, age_band, sealed_birth_date,
			created_at, updated_at, last_activity_at, closed_at, erased_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			s.TenantID, s.ID, s.Jurisdiction, string(s.Status), s.AgeBand, s.SealedBirthDate,
			ts(s.CreatedAt), ts(s.UpdatedAt), ts(s.LastActivityAt), tsPtr(s.ClosedAt), tsPtr(s.ErasedAt))
		for _, id := range s.Identities {
			b.Queue(insertIdentitySQL, s.TenantID, s.ID, string(id.Type), id.Index, id.Sealed)
		}
		for _, f := range s.Fields {
			b.Queue(upsertFieldSQL, s.TenantID, s.ID, f.Name, f.Category, f.Sealed, ts(f.UpdatedAt))
		}
		br := q.SendBatch(ctx, b)
		defer br.Close()
		for i := range b.Len() {
			_, err := br.Exec()
			if err == nil {
				continue
			}
			switch id := i - 1; {
			case i == 0 && isUnique(err):
				return privet.Errorf(privet.ECONFLICT, "subject already exists")
			case i == 0 && isForeignKey(err):
				return notFound("tenant")
			case id >= 0 && id < len(s.Identities) && isUniqueOn(err, identityConstraint):
				return privet.IdentityConflict(s.Identities[id].Type)
			}
			return dbError("create subject", err)
		}
		return dbError("create subject", br.Close())
	})
}

const subjectColumns = `id, tenant_id, jurisdiction, status, age_band, sealed_birth_date,
	created_at, updated_at, last_activity_at, closed_at, erased_at`

// scanSubject scans subjectColumns, after the leading columns of the row
// into lead, if any.
func scanSubject(row pgx.Row, lead ...any) (*privet.Subject, error) {
	var s privet.Subject
	var status string
	var created, updated, active, closed, erased *time.Time
	if err := row.Scan(append(lead, &s.ID, &s.TenantID, &s.Jurisdiction, &status, &s.AgeBand, &s.SealedBirthDate,
		&created, &updated, &active, &closed, &erased)...); err != nil {
		return nil, err
	}
	s.Status = privet.SubjectStatus(status)
	s.CreatedAt, s.UpdatedAt, s.LastActivityAt = fromTS(created), fromTS(updated), fromTS(active)
	s.ClosedAt, s.ErasedAt = fromTSPtr(closed), fromTSPtr(erased)
	return &s, nil
}

const subjectByID = `SELECT xmin::text, ` + subjectColumns + ` FROM subjects WHERE tenant_id = $1 AND id = $2`

// scanSubjectRevision scans a subjectByID row. In a write transaction it
// remembers the row's version: a change computed from this read (a status,
// a field added, a jurisdiction) must not be written over a change another
// transaction committed meanwhile. Under READ COMMITTED an UPDATE would
// silently overwrite it — an erased subject made active again, one of two
// concurrent edits lost — so UpdateSubject writes only over the version read
// and answers groupcommit.Stale otherwise, and the committer runs the change
// again on the newer row.
func (t *tx) scanSubjectRevision(row pgx.Row) (*privet.Subject, error) {
	var rev string
	s, err := scanSubject(row, &rev)
	if err != nil {
		return nil, err
	}
	if t.write {
		if t.revisions == nil {
			t.revisions = make(map[string]string)
		}
		t.revisions[revisionKey(s.TenantID, s.ID)] = rev
	}
	return s, nil
}

func revisionKey(tenantID, id string) string { return tenantID + "\x00" + id }

func (t *tx) SubjectAttrs(ctx context.Context, tenantID, id string) (*privet.Subject, error) {
	s, err := t.scanSubjectRevision(t.q.QueryRow(ctx, subjectByID, tenantID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("subject")
	}
	if err != nil {
		return nil, dbError("subject", err)
	}
	return s, nil
}

// Subject reads the subject, its identities and its fields in one round trip
// (a pipelined batch): a lookup by email waits for the network once, not three
// times.
func (t *tx) Subject(ctx context.Context, tenantID, id string) (*privet.Subject, error) {
	b := &pgx.Batch{}
	b.Queue(subjectByID, tenantID, id)
	b.Queue(`SELECT type, idx, sealed FROM identities WHERE tenant_id = $1 AND subject_id = $2 ORDER BY type, idx`, tenantID, id)
	b.Queue(`SELECT name, category, sealed, updated_at FROM fields WHERE tenant_id = $1 AND subject_id = $2 ORDER BY name`, tenantID, id)
	br := t.q.SendBatch(ctx, b)
	defer br.Close()
	s, err := t.scanSubjectRevision(br.QueryRow())
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("subject")
	}
	if err != nil {
		return nil, dbError("subject", err)
	}
	rows, err := br.Query()
	if err != nil {
		return nil, dbError("identities", err)
	}
	s.Identities, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (privet.Identity, error) {
		var id privet.Identity
		var typ string
		err := r.Scan(&typ, &id.Index, &id.Sealed)
		id.Type = privet.IdentityType(typ)
		return id, err
	})
	if err != nil {
		return nil, dbError("identities", err)
	}
	rows, err = br.Query()
	if err != nil {
		return nil, dbError("fields", err)
	}
	s.Fields, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (privet.Field, error) {
		var f privet.Field
		var updated *time.Time
		err := r.Scan(&f.Name, &f.Category, &f.Sealed, &updated)
		f.UpdatedAt = fromTS(updated)
		return f, err
	})
	if err != nil {
		return nil, dbError("fields", err)
	}
	if err := br.Close(); err != nil {
		return nil, dbError("subject", err)
	}
	if len(s.Identities) == 0 {
		s.Identities = nil
	}
	if len(s.Fields) == 0 {
		s.Fields = nil
	}
	return s, nil
}

func (t *tx) SubjectIDByIdentity(ctx context.Context, tenantID string, typ privet.IdentityType, index []byte) (string, error) {
	var id string
	err := t.q.QueryRow(ctx, `SELECT subject_id FROM identities WHERE tenant_id = $1 AND type = $2 AND idx = $3`, tenantID, string(typ), index).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", notFound("subject")
	}
	if err != nil {
		return "", dbError("subject by identity", err)
	}
	return id, nil
}

func (t *tx) Subjects(ctx context.Context, tenantID string, f privet.SubjectFilter) ([]*privet.Subject, error) {
	rows, err := t.q.Query(ctx, `SELECT `+subjectColumns+` FROM subjects
		WHERE tenant_id = $1 AND id > $2 AND ($3 = '' OR status = $3) ORDER BY id LIMIT $4`,
		tenantID, f.After, string(f.Status), pageLimit(f.Limit))
	if err != nil {
		return nil, dbError("subjects", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*privet.Subject, error) { return scanSubject(r) })
	return out, dbError("subjects", err)
}

// UpdateSubject writes the subject's attributes over the version this
// transaction read (scanSubjectRevision); a subject never read here is
// written as it stands.
func (t *tx) UpdateSubject(ctx context.Context, s *privet.Subject) error {
	key := revisionKey(s.TenantID, s.ID)
	var rev any // NULL: write as it stands
	if r, ok := t.revisions[key]; ok {
		rev = r
	}
	tag, err := t.exec(ctx, `UPDATE subjects SET jurisdiction = $1, status = $2, age_band = $3, sealed_birth_date = $4,
		created_at = $5, updated_at = $6, last_activity_at = $7, closed_at = $8, erased_at = $9
		WHERE tenant_id = $10 AND id = $11 AND ($12::text IS NULL OR xmin::text = $12)`,
		s.Jurisdiction, string(s.Status), s.AgeBand, s.SealedBirthDate,
		ts(s.CreatedAt), ts(s.UpdatedAt), ts(s.LastActivityAt), tsPtr(s.ClosedAt), tsPtr(s.ErasedAt),
		s.TenantID, s.ID, rev)
	if err == nil && tag.RowsAffected() == 0 && rev != nil {
		return groupcommit.Stale("subject")
	}
	if err == nil {
		delete(t.revisions, key) // the row is now this transaction's own version
	}
	return oneRow("update subject", "subject", tag, err)
}

func (t *tx) PutFields(ctx context.Context, tenantID, subjectID string, fields []privet.Field) error {
	return t.savepoint(ctx, func(q pgx.Tx) error {
		b := &pgx.Batch{}
		for _, f := range fields {
			b.Queue(upsertFieldSQL, tenantID, subjectID, f.Name, f.Category, f.Sealed, ts(f.UpdatedAt))
		}
		err := q.SendBatch(ctx, b).Close()
		if isForeignKey(err) {
			return notFound("subject")
		}
		return dbError("put fields", err)
	})
}

func (t *tx) DeleteFields(ctx context.Context, tenantID, subjectID string, names []string) error {
	_, err := t.exec(ctx, `DELETE FROM fields WHERE tenant_id = $1 AND subject_id = $2 AND name = ANY($3)`, tenantID, subjectID, names)
	return dbError("delete fields", err)
}

func (t *tx) AddIdentity(ctx context.Context, tenantID, subjectID string, id privet.Identity) error {
	return t.savepoint(ctx, func(q pgx.Tx) error {
		_, err := q.Exec(ctx, insertIdentitySQL, tenantID, subjectID, string(id.Type), id.Index, id.Sealed)
		switch {
		case isUniqueOn(err, identityConstraint):
			return privet.IdentityConflict(id.Type)
		case isForeignKey(err):
			return notFound("subject")
		}
		return dbError("add identity", err)
	})
}

func (t *tx) RemoveIdentity(ctx context.Context, tenantID, subjectID string, typ privet.IdentityType, index []byte) error {
	tag, err := t.exec(ctx, `DELETE FROM identities WHERE tenant_id = $1 AND subject_id = $2 AND type = $3 AND idx = $4`,
		tenantID, subjectID, string(typ), index)
	return oneRow("remove identity", "identity", tag, err)
}

func (t *tx) EraseSubject(ctx context.Context, tenantID, id string, at time.Time) error {
	tag, err := t.exec(ctx, `UPDATE subjects SET status = $1, sealed_birth_date = NULL, erased_at = $2, updated_at = $2
		WHERE tenant_id = $3 AND id = $4`, string(privet.StatusErased), ts(at), tenantID, id)
	if err := oneRow("erase subject", "subject", tag, err); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `DELETE FROM identities WHERE tenant_id = $1 AND subject_id = $2`, tenantID, id); err != nil {
		return dbError("erase identities", err)
	}
	_, err = t.exec(ctx, `DELETE FROM fields WHERE tenant_id = $1 AND subject_id = $2`, tenantID, id)
	return dbError("erase fields", err)
}

// subjectByIdentitySQL reads a subject, its identities and its fields, found
// by one blind index, in one statement: one snapshot and one round trip.
// Rows are tagged by kind (0 subject, 1 identity, 2 field) and share twelve
// columns, ordered as Subject orders identities and fields:
//
//	kind, a, b, c, d, x, y, t1 .. t5
//	subject:  id, jurisdiction, status, age_band, sealed_birth_date, -, created_at .. erased_at
//	identity: type, -, -, -, idx, sealed
//	field:    name, category, -, -, sealed, -, updated_at
const subjectByIdentitySQL = `WITH k AS (SELECT subject_id FROM identities WHERE tenant_id = $1 AND type = $2 AND idx = $3)
SELECT 0 AS kind, s.id AS a, s.jurisdiction, s.status, s.age_band, s.sealed_birth_date AS x, NULL::bytea,
		s.created_at, s.updated_at, s.last_activity_at, s.closed_at, s.erased_at
	FROM subjects AS s WHERE s.tenant_id = $1 AND s.id = (SELECT subject_id FROM k)
UNION ALL
SELECT 1, i.type, NULL, NULL, NULL, i.idx, i.sealed, NULL, NULL, NULL, NULL, NULL
	FROM identities AS i WHERE i.tenant_id = $1 AND i.subject_id = (SELECT subject_id FROM k)
UNION ALL
SELECT 2, f.name, f.category, NULL, NULL, f.sealed, NULL, f.updated_at, NULL, NULL, NULL, NULL
	FROM fields AS f WHERE f.tenant_id = $1 AND f.subject_id = (SELECT subject_id FROM k)
ORDER BY kind, a, x`

func (t *tx) SubjectByIdentity(ctx context.Context, tenantID string, typ privet.IdentityType, index []byte) (*privet.Subject, error) {
	return subjectByIdentity(ctx, t.q, tenantID, typ, index)
}

var _ privet.SubjectFinder = (*Store)(nil)

// FindSubject runs the lookup on the pool without a transaction: the one
// statement is its own snapshot, and the round trips of BEGIN and ROLLBACK
// are saved.
func (s *Store) FindSubject(ctx context.Context, tenantID string, typ privet.IdentityType, index []byte) (*privet.Subject, error) {
	return subjectByIdentity(ctx, s.pool, tenantID, typ, index)
}

// subjectByIdentity runs subjectByIdentitySQL on q: a transaction, or the
// pool, where the one statement is its own snapshot.
func subjectByIdentity(ctx context.Context, q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}, tenantID string, typ privet.IdentityType, index []byte) (*privet.Subject, error) {
	rows, err := q.Query(ctx, subjectByIdentitySQL, tenantID, string(typ), index)
	if err != nil {
		return nil, dbError("subject by identity", err)
	}
	defer rows.Close()
	var (
		s          *privet.Subject
		kind       int
		a          string
		b, c, d    *string
		x, y       []byte
		t1, t2, t3 *time.Time
		t4, t5     *time.Time
	)
	for rows.Next() {
		if err := rows.Scan(&kind, &a, &b, &c, &d, &x, &y, &t1, &t2, &t3, &t4, &t5); err != nil {
			return nil, dbError("subject by identity", err)
		}
		switch kind {
		case 0:
			s = &privet.Subject{ID: a, TenantID: tenantID, Jurisdiction: deref(b), Status: privet.SubjectStatus(deref(c)),
				AgeBand: deref(d), SealedBirthDate: x, CreatedAt: fromTS(t1), UpdatedAt: fromTS(t2), LastActivityAt: fromTS(t3),
				ClosedAt: fromTSPtr(t4), ErasedAt: fromTSPtr(t5)}
		case 1:
			if s != nil {
				s.Identities = append(s.Identities, privet.Identity{Type: privet.IdentityType(a), Index: x, Sealed: y})
			}
		case 2:
			if s != nil {
				s.Fields = append(s.Fields, privet.Field{Name: a, Category: deref(b), Sealed: x, UpdatedAt: fromTS(t1)})
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("subject by identity", err)
	}
	if s == nil {
		return nil, notFound("subject")
	}
	return s, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
