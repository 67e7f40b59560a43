package sqlite

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/privet-dev/privet"
)

func (t *tx) CreateSubject(ctx context.Context, s *privet.Subject) error {
	return t.savepoint(ctx, func() error {
		_, err := t.exec(ctx, `INSERT INTO subjects (tenant_id, id, jurisdiction, status, age_band, sealed_birth_date,
			created_at, updated_at, last_activity_at, closed_at, erased_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.TenantID, s.ID, s.Jurisdiction, string(s.Status), s.AgeBand, s.SealedBirthDate,
			nanos(s.CreatedAt), nanos(s.UpdatedAt), nanos(s.LastActivityAt), nanosPtr(s.ClosedAt), nanosPtr(s.ErasedAt))
		switch {
		case isUnique(err):
			return privet.Errorf(privet.ECONFLICT, "subject already exists")
		case isForeignKey(err):
			return notFound("tenant")
		case err != nil:
			return dbError("create subject", err)
		}
		if err := t.insertIdentities(ctx, s.TenantID, s.ID, s.Identities); err != nil {
			return err
		}
		return t.insertFields(ctx, s.TenantID, s.ID, s.Fields)
	})
}

// rowsPerInsert is how many rows one multi-row INSERT of a create carries:
// fewer statements through database/sql and the VDBE, while the statement
// texts (one per row count up to it) stay few enough to keep prepared.
const rowsPerInsert = 8

// multiRowSQL returns head followed by n copies of the row placeholder.
func multiRowSQL(head, row string, n int, tail string) string {
	var b strings.Builder
	b.WriteString(head)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(tail)
	return b.String()
}

var (
	insertIdentitiesSQL [rowsPerInsert + 1]string
	insertFieldsSQL     [rowsPerInsert + 1]string
)

func init() {
	for n := 1; n <= rowsPerInsert; n++ {
		insertIdentitiesSQL[n] = multiRowSQL(`INSERT INTO identities (tenant_id, subject_id, type, idx, sealed) VALUES `, `(?, ?, ?, ?, ?)`, n, ``)
		// The upsert keeps what putFields does with a name given twice: the
		// last value wins.
		insertFieldsSQL[n] = multiRowSQL(`INSERT INTO fields (tenant_id, subject_id, name, category, sealed, updated_at) VALUES `, `(?, ?, ?, ?, ?, ?)`, n,
			` ON CONFLICT (tenant_id, subject_id, name) DO UPDATE SET category = excluded.category, sealed = excluded.sealed, updated_at = excluded.updated_at`)
	}
}

// insertIdentities inserts a new subject's identities, several per
// statement. A statement that breaks the identity constraint changes
// nothing (SQLite statements are atomic); its rows are then inserted one by
// one, so the conflict names the identity type at fault.
func (t *tx) insertIdentities(ctx context.Context, tenantID, subjectID string, ids []privet.Identity) error {
	for len(ids) > 0 {
		n := min(len(ids), rowsPerInsert)
		args := make([]any, 0, 5*n)
		for _, id := range ids[:n] {
			args = append(args, tenantID, subjectID, string(id.Type), id.Index, id.Sealed)
		}
		_, err := t.exec(ctx, insertIdentitiesSQL[n], args...)
		switch {
		case isUnique(err):
			for _, id := range ids[:n] {
				if err := t.insertIdentity(ctx, tenantID, subjectID, id); err != nil {
					return err
				}
			}
			return dbError("insert identities", err)
		case isForeignKey(err):
			return notFound("subject")
		case err != nil:
			return dbError("insert identities", err)
		}
		ids = ids[n:]
	}
	return nil
}

// insertFields inserts a new subject's fields, several per statement.
func (t *tx) insertFields(ctx context.Context, tenantID, subjectID string, fields []privet.Field) error {
	for len(fields) > 0 {
		n := min(len(fields), rowsPerInsert)
		args := make([]any, 0, 6*n)
		for _, f := range fields[:n] {
			args = append(args, tenantID, subjectID, f.Name, f.Category, f.Sealed, nanos(f.UpdatedAt))
		}
		_, err := t.exec(ctx, insertFieldsSQL[n], args...)
		if isForeignKey(err) {
			return notFound("subject")
		}
		if err != nil {
			return dbError("put fields", err)
		}
		fields = fields[n:]
	}
	return nil
}

func (t *tx) insertIdentity(ctx context.Context, tenantID, subjectID string, id privet.Identity) error {
	_, err := t.exec(ctx, `INSERT INTO identities (tenant_id, subject_id, type, idx, sealed) VALUES (?, ?, ?, ?, ?)`,
		tenantID, subjectID, string(id.Type), id.Index, id.Sealed)
	switch {
	case isUnique(err):
		return privet.IdentityConflict(id.Type)
	case isForeignKey(err):
		return notFound("subject")
	}
	return dbError("insert identity", err)
}

const subjectColumns = `id, tenant_id, jurisdiction, status, age_band, sealed_birth_date,
	created_at, updated_at, last_activity_at, closed_at, erased_at`

func scanSubject(sc interface{ Scan(...any) error }) (*privet.Subject, error) {
	var s privet.Subject
	var status string
	var created, updated, active, closed, erased nullTime
	if err := sc.Scan(&s.ID, &s.TenantID, &s.Jurisdiction, &status, &s.AgeBand, &s.SealedBirthDate,
		&created, &updated, &active, &closed, &erased); err != nil {
		return nil, err
	}
	s.Status = privet.SubjectStatus(status)
	s.CreatedAt, s.UpdatedAt, s.LastActivityAt = created.time(), updated.time(), active.time()
	s.ClosedAt, s.ErasedAt = closed.ptr(), erased.ptr()
	return &s, nil
}

func (t *tx) Subject(ctx context.Context, tenantID, id string) (*privet.Subject, error) {
	s, err := scanSubject(t.queryRow(ctx, `SELECT `+subjectColumns+` FROM subjects WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("subject")
	}
	if err != nil {
		return nil, dbError("subject", err)
	}
	if s.Identities, err = t.identities(ctx, tenantID, id); err != nil {
		return nil, err
	}
	if s.Fields, err = t.fields(ctx, tenantID, id); err != nil {
		return nil, err
	}
	return s, nil
}

func (t *tx) SubjectAttrs(ctx context.Context, tenantID, id string) (*privet.Subject, error) {
	s, err := scanSubject(t.queryRow(ctx, `SELECT `+subjectColumns+` FROM subjects WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("subject")
	}
	if err != nil {
		return nil, dbError("subject", err)
	}
	return s, nil
}

// identities reads a subject's identities in (type, idx) order: the
// table's primary key, clustered by subject, holds them side by side.
func (t *tx) identities(ctx context.Context, tenantID, subjectID string) ([]privet.Identity, error) {
	rows, err := t.query(ctx, `SELECT type, idx, sealed FROM identities
		WHERE tenant_id = ? AND subject_id = ? ORDER BY type, idx`, tenantID, subjectID)
	if err != nil {
		return nil, dbError("identities", err)
	}
	defer rows.Close()
	var out []privet.Identity
	for rows.Next() {
		var id privet.Identity
		var typ string
		if err := rows.Scan(&typ, &id.Index, &id.Sealed); err != nil {
			return nil, dbError("identities", err)
		}
		id.Type = privet.IdentityType(typ)
		out = append(out, id)
	}
	return out, dbError("identities", rows.Err())
}

func (t *tx) fields(ctx context.Context, tenantID, subjectID string) ([]privet.Field, error) {
	rows, err := t.query(ctx, `SELECT name, category, sealed, updated_at FROM fields WHERE tenant_id = ? AND subject_id = ? ORDER BY name`, tenantID, subjectID)
	if err != nil {
		return nil, dbError("fields", err)
	}
	defer rows.Close()
	var out []privet.Field
	for rows.Next() {
		var f privet.Field
		var updated nullTime
		if err := rows.Scan(&f.Name, &f.Category, &f.Sealed, &updated); err != nil {
			return nil, dbError("fields", err)
		}
		f.UpdatedAt = updated.time()
		out = append(out, f)
	}
	return out, dbError("fields", rows.Err())
}

func (t *tx) SubjectIDByIdentity(ctx context.Context, tenantID string, typ privet.IdentityType, index []byte) (string, error) {
	var id string
	err := t.queryRow(ctx, `SELECT subject_id FROM identities WHERE tenant_id = ? AND type = ? AND idx = ?`, tenantID, string(typ), index).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("subject")
	}
	if err != nil {
		return "", dbError("subject by identity", err)
	}
	return id, nil
}

func (t *tx) Subjects(ctx context.Context, tenantID string, f privet.SubjectFilter) ([]*privet.Subject, error) {
	rows, err := t.query(ctx, `SELECT `+subjectColumns+` FROM subjects
		WHERE tenant_id = ? AND id > ? AND (? = '' OR status = ?) ORDER BY id LIMIT ?`,
		tenantID, f.After, string(f.Status), string(f.Status), pageLimit(f.Limit))
	if err != nil {
		return nil, dbError("subjects", err)
	}
	defer rows.Close()
	var out []*privet.Subject
	for rows.Next() {
		s, err := scanSubject(rows)
		if err != nil {
			return nil, dbError("subjects", err)
		}
		out = append(out, s)
	}
	return out, dbError("subjects", rows.Err())
}

func (t *tx) UpdateSubject(ctx context.Context, s *privet.Subject) error {
	res, err := t.exec(ctx, `UPDATE subjects SET jurisdiction = ?, status = ?, age_band = ?, sealed_birth_date = ?,
		created_at = ?, updated_at = ?, last_activity_at = ?, closed_at = ?, erased_at = ? WHERE tenant_id = ? AND id = ?`,
		s.Jurisdiction, string(s.Status), s.AgeBand, s.SealedBirthDate,
		nanos(s.CreatedAt), nanos(s.UpdatedAt), nanos(s.LastActivityAt), nanosPtr(s.ClosedAt), nanosPtr(s.ErasedAt),
		s.TenantID, s.ID)
	return oneRow("update subject", "subject", res, err)
}

// oneRow turns "no row changed" into ENOTFOUND.
func oneRow(op, what string, res sql.Result, err error) error {
	if err != nil {
		return dbError(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return dbError(op, err)
	}
	if n == 0 {
		return notFound(what)
	}
	return nil
}

func (t *tx) PutFields(ctx context.Context, tenantID, subjectID string, fields []privet.Field) error {
	return t.savepoint(ctx, func() error { return t.putFields(ctx, tenantID, subjectID, fields) })
}

func (t *tx) putFields(ctx context.Context, tenantID, subjectID string, fields []privet.Field) error {
	for _, f := range fields {
		_, err := t.exec(ctx, `INSERT INTO fields (tenant_id, subject_id, name, category, sealed, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, subject_id, name) DO UPDATE SET category = excluded.category, sealed = excluded.sealed, updated_at = excluded.updated_at`,
			tenantID, subjectID, f.Name, f.Category, f.Sealed, nanos(f.UpdatedAt))
		if isForeignKey(err) {
			return notFound("subject")
		}
		if err != nil {
			return dbError("put field", err)
		}
	}
	return nil
}

func (t *tx) DeleteFields(ctx context.Context, tenantID, subjectID string, names []string) error {
	for _, name := range names {
		if _, err := t.exec(ctx, `DELETE FROM fields WHERE tenant_id = ? AND subject_id = ? AND name = ?`, tenantID, subjectID, name); err != nil {
			return dbError("delete field", err)
		}
	}
	return nil
}

func (t *tx) AddIdentity(ctx context.Context, tenantID, subjectID string, id privet.Identity) error {
	return t.insertIdentity(ctx, tenantID, subjectID, id)
}

func (t *tx) RemoveIdentity(ctx context.Context, tenantID, subjectID string, typ privet.IdentityType, index []byte) error {
	res, err := t.exec(ctx, `DELETE FROM identities WHERE tenant_id = ? AND subject_id = ? AND type = ? AND idx = ?`,
		tenantID, subjectID, string(typ), index)
	return oneRow("remove identity", "identity", res, err)
}

func (t *tx) EraseSubject(ctx context.Context, tenantID, id string, at time.Time) error {
	return t.savepoint(ctx, func() error {
		res, err := t.exec(ctx, `UPDATE subjects SET status = ?, sealed_birth_date = NULL, erased_at = ?, updated_at = ?
			WHERE tenant_id = ? AND id = ?`, string(privet.StatusErased), nanos(at), nanos(at), tenantID, id)
		if err := oneRow("erase subject", "subject", res, err); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM identities WHERE tenant_id = ? AND subject_id = ?`, tenantID, id); err != nil {
			return dbError("erase identities", err)
		}
		if _, err := t.exec(ctx, `DELETE FROM fields WHERE tenant_id = ? AND subject_id = ?`, tenantID, id); err != nil {
			return dbError("erase fields", err)
		}
		return nil
	})
}

// subjectByIdentitySQL reads a subject, its identities and its fields, found
// by one blind index, in one statement: one snapshot, one step loop, and
// after the first walk of the blind index every page it needs is in the
// connection's cache. Rows are tagged by kind (0 subject, 1 identity,
// 2 field) and share twelve columns:
//
//	kind, a, b, c, d, x, y, t1 .. t5
//	subject:  id, jurisdiction, status, age_band, sealed_birth_date, -, created_at .. erased_at
//	identity: type, -, -, -, idx, sealed
//	field:    name, category, -, -, sealed, -, updated_at
const subjectByIdentitySQL = `SELECT 0, s.id, s.jurisdiction, s.status, s.age_band, s.sealed_birth_date, NULL,
		s.created_at, s.updated_at, s.last_activity_at, s.closed_at, s.erased_at
	FROM identities AS k JOIN subjects AS s ON s.tenant_id = k.tenant_id AND s.id = k.subject_id
	WHERE k.tenant_id = ?1 AND k.type = ?2 AND k.idx = ?3
UNION ALL
SELECT 1, i.type, NULL, NULL, NULL, i.idx, i.sealed, NULL, NULL, NULL, NULL, NULL
	FROM identities AS i
	WHERE i.tenant_id = ?1 AND i.subject_id = (SELECT subject_id FROM identities WHERE tenant_id = ?1 AND type = ?2 AND idx = ?3)
UNION ALL
SELECT 2, f.name, f.category, NULL, NULL, f.sealed, NULL, f.updated_at, NULL, NULL, NULL, NULL
	FROM fields AS f
	WHERE f.tenant_id = ?1 AND f.subject_id = (SELECT subject_id FROM identities WHERE tenant_id = ?1 AND type = ?2 AND idx = ?3)`

func (t *tx) SubjectByIdentity(ctx context.Context, tenantID string, typ privet.IdentityType, index []byte) (*privet.Subject, error) {
	rows, err := t.query(ctx, subjectByIdentitySQL, tenantID, string(typ), index)
	if err != nil {
		return nil, dbError("subject by identity", err)
	}
	return scanSubjectRows(tenantID, rows)
}

var _ privet.SubjectFinder = (*Store)(nil)

// FindSubject runs the lookup on the read pool without a transaction: one
// statement reads one snapshot, and BEGIN and ROLLBACK cost as much again
// as the statement's own steps on a small subject.
func (s *Store) FindSubject(ctx context.Context, tenantID string, typ privet.IdentityType, index []byte) (*privet.Subject, error) {
	var rows *sql.Rows
	var err error
	if st := s.readStmts.get(subjectByIdentitySQL); st != nil {
		rows, err = st.QueryContext(ctx, tenantID, string(typ), index)
	} else {
		rows, err = s.reader.QueryContext(ctx, subjectByIdentitySQL, tenantID, string(typ), index)
	}
	if err != nil {
		return nil, dbError("subject by identity", err)
	}
	return scanSubjectRows(tenantID, rows)
}

// scanSubjectRows reads the rows of subjectByIdentitySQL and closes them.
func scanSubjectRows(tenantID string, rows *sql.Rows) (*privet.Subject, error) {
	defer rows.Close()
	var (
		s              *privet.Subject
		ids            []privet.Identity
		fields         []privet.Field
		kind           int
		a, b, c, d     sql.NullString
		x, y           []byte
		t1, t2, t3, t4 nullTime
		t5             nullTime
	)
	for rows.Next() {
		x, y = nil, nil
		if err := rows.Scan(&kind, &a, &b, &c, &d, &x, &y, &t1, &t2, &t3, &t4, &t5); err != nil {
			return nil, dbError("subject by identity", err)
		}
		switch kind {
		case 0:
			s = &privet.Subject{ID: a.String, TenantID: tenantID, Jurisdiction: b.String, Status: privet.SubjectStatus(c.String),
				AgeBand: d.String, SealedBirthDate: x, CreatedAt: t1.time(), UpdatedAt: t2.time(), LastActivityAt: t3.time(),
				ClosedAt: t4.ptr(), ErasedAt: t5.ptr()}
		case 1:
			ids = append(ids, privet.Identity{Type: privet.IdentityType(a.String), Index: x, Sealed: y})
		case 2:
			fields = append(fields, privet.Field{Name: a.String, Category: b.String, Sealed: x, UpdatedAt: t1.time()})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("subject by identity", err)
	}
	if s == nil {
		return nil, notFound("subject")
	}
	// The order of Subject's: UNION ALL promises none.
	slices.SortFunc(ids, func(p, q privet.Identity) int {
		return cmp.Or(cmp.Compare(p.Type, q.Type), bytes.Compare(p.Index, q.Index))
	})
	slices.SortFunc(fields, func(p, q privet.Field) int { return cmp.Compare(p.Name, q.Name) })
	s.Identities, s.Fields = ids, fields
	return s, nil
}
