package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/privet-dev/privet"
)

const incidentColumns = `id, tenant_id, title, description, categories, discovered_at, occurred_at, status, risk,
	impact, measures, advice, password_reset, regulator_notified_at, people_notified_at, public_notice_at,
	jurisdictions, created_at, updated_at`

// jsonList encodes a list as a JSON array (never null): list columns store
// it, and batch statements read id lists through json_each, one statement
// per batch whatever its size.
func jsonList(s []string) string {
	if s == nil {
		s = []string{}
	}
	b, _ := json.Marshal(s)
	return string(b)
}

func (t *tx) CreateIncident(ctx context.Context, i *privet.Incident) error {
	_, err := t.exec(ctx, `INSERT INTO incidents (`+incidentColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		i.ID, i.TenantID, i.Title, i.Description, jsonList(i.Categories), i.DiscoveredAt.UnixNano(), nanosPtr(i.OccurredAt),
		string(i.Status), string(i.Risk), i.Impact, i.Measures, i.Advice, i.PasswordReset,
		nanosPtr(i.RegulatorNotifiedAt), nanosPtr(i.PeopleNotifiedAt), nanosPtr(i.PublicNoticeAt),
		jsonList(i.Jurisdictions), i.CreatedAt.UnixNano(), i.UpdatedAt.UnixNano())
	switch {
	case isForeignKey(err):
		return notFound("tenant")
	case isUnique(err):
		return privet.Errorf(privet.ECONFLICT, "incident exists")
	}
	return dbError("create incident", err)
}

func scanIncident(sc interface{ Scan(...any) error }) (*privet.Incident, error) {
	var i privet.Incident
	var cats, places, status, risk string
	var discovered, created, updated int64
	var occurred, regulator, people, public nullTime
	if err := sc.Scan(&i.ID, &i.TenantID, &i.Title, &i.Description, &cats, &discovered, &occurred, &status, &risk,
		&i.Impact, &i.Measures, &i.Advice, &i.PasswordReset, &regulator, &people, &public,
		&places, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(cats), &i.Categories); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(places), &i.Jurisdictions); err != nil {
		return nil, err
	}
	i.Status, i.Risk = privet.IncidentStatus(status), privet.Risk(risk)
	i.DiscoveredAt, i.CreatedAt, i.UpdatedAt = time.Unix(0, discovered).UTC(), time.Unix(0, created).UTC(), time.Unix(0, updated).UTC()
	i.OccurredAt, i.RegulatorNotifiedAt, i.PeopleNotifiedAt, i.PublicNoticeAt = occurred.ptr(), regulator.ptr(), people.ptr(), public.ptr()
	return &i, nil
}

func (t *tx) Incident(ctx context.Context, tenantID, id string) (*privet.Incident, error) {
	i, err := scanIncident(t.queryRow(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("incident")
	}
	return i, dbError("incident", err)
}

func (t *tx) PublicIncident(ctx context.Context, id string) (*privet.Incident, error) {
	i, err := scanIncident(t.queryRow(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE id = ? AND public_notice_at IS NOT NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("incident")
	}
	return i, dbError("public incident", err)
}

func (t *tx) Incidents(ctx context.Context, tenantID string, f privet.IncidentFilter) ([]*privet.Incident, error) {
	rows, err := t.query(ctx, `SELECT `+incidentColumns+` FROM incidents
		WHERE tenant_id = ? AND id > ? AND (? = '' OR status = ?) ORDER BY id LIMIT ?`,
		tenantID, f.After, string(f.Status), string(f.Status), pageLimit(f.Limit))
	if err != nil {
		return nil, dbError("incidents", err)
	}
	defer rows.Close()
	var out []*privet.Incident
	for rows.Next() {
		i, err := scanIncident(rows)
		if err != nil {
			return nil, dbError("incidents", err)
		}
		out = append(out, i)
	}
	return out, dbError("incidents", rows.Err())
}

func (t *tx) UpdateIncident(ctx context.Context, i *privet.Incident) error {
	res, err := t.exec(ctx, `UPDATE incidents SET title = ?, description = ?, categories = ?, discovered_at = ?,
		occurred_at = ?, status = ?, risk = ?, impact = ?, measures = ?, advice = ?, password_reset = ?,
		regulator_notified_at = ?, people_notified_at = ?, public_notice_at = ?, jurisdictions = ?, updated_at = ?
		WHERE tenant_id = ? AND id = ?`,
		i.Title, i.Description, jsonList(i.Categories), i.DiscoveredAt.UnixNano(), nanosPtr(i.OccurredAt),
		string(i.Status), string(i.Risk), i.Impact, i.Measures, i.Advice, i.PasswordReset,
		nanosPtr(i.RegulatorNotifiedAt), nanosPtr(i.PeopleNotifiedAt), nanosPtr(i.PublicNoticeAt),
		jsonList(i.Jurisdictions), i.UpdatedAt.UnixNano(), i.TenantID, i.ID)
	return oneRow("update incident", "incident", res, err)
}

// categoryMatch is the condition "column holds one of the keys or a key
// below one", written as ranges so the category index serves it: the keys
// below "a.b" sort between "a.b." and "a.b/" ('/' follows '.').
func categoryMatch(column string, keys []string) (string, []any) {
	var conds []string
	var args []any
	for _, k := range keys {
		conds = append(conds, "("+column+" = ? OR ("+column+" > ? AND "+column+" < ?))")
		args = append(args, k, k+".", k+"/")
	}
	if len(conds) == 0 {
		return "0", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// inList is "column IN (?, ...)" over values, or false for none.
func inList[T ~string](column string, values []T) (string, []any) {
	if len(values) == 0 {
		return "0", nil
	}
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = string(v)
	}
	return column + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ") + ")", args
}

// AffectedSubjectIDs starts from the category index (and the identities of
// the types asked for), then joins the subjects: a query that started from
// the subjects would scan the tenant's fields once per subject.
func (t *tx) AffectedSubjectIDs(ctx context.Context, tenantID string, q privet.AffectedQuery) ([]string, error) {
	var parts []string
	var args []any
	if len(q.Categories) > 0 {
		cats, catArgs := categoryMatch("f.category", q.Categories)
		parts = append(parts, `SELECT f.subject_id FROM fields f WHERE f.tenant_id = ? AND f.subject_id > ? AND `+cats)
		args = append(append(args, tenantID, q.After), catArgs...)
	}
	if len(q.IdentityTypes) > 0 {
		types, typeArgs := inList("i.type", q.IdentityTypes)
		parts = append(parts, `SELECT i.subject_id FROM identities i WHERE i.tenant_id = ? AND i.subject_id > ? AND `+types)
		args = append(append(args, tenantID, q.After), typeArgs...)
	}
	if len(parts) == 0 {
		return nil, nil
	}
	places := "1"
	var placeArgs []any
	if len(q.Jurisdictions) > 0 {
		places, placeArgs = inList("s.jurisdiction", q.Jurisdictions)
	}
	query := `SELECT a.subject_id FROM (` + strings.Join(parts, " UNION ") + `) a
		JOIN subjects s ON s.tenant_id = ? AND s.id = a.subject_id
		WHERE s.status != 'erased' AND ` + places + ` ORDER BY a.subject_id LIMIT ?`
	args = append(append(append(args, tenantID), placeArgs...), pageLimit(q.Limit))
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, dbError("affected subjects", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, dbError("affected subjects", err)
		}
		out = append(out, id)
	}
	return out, dbError("affected subjects", rows.Err())
}

func (t *tx) AddAffected(ctx context.Context, tenantID, incidentID string, subjectIDs []string) (int, error) {
	added := 0
	err := t.savepoint(ctx, func() error {
		for _, id := range subjectIDs {
			res, err := t.exec(ctx, `INSERT INTO incident_subjects (tenant_id, incident_id, subject_id) VALUES (?, ?, ?)
				ON CONFLICT DO NOTHING`, tenantID, incidentID, id)
			if isForeignKey(err) {
				return notFound("incident or subject")
			}
			if err != nil {
				return dbError("add affected", err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return dbError("add affected", err)
			}
			added += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

func (t *tx) Affected(ctx context.Context, tenantID, incidentID string, f privet.AffectedFilter) ([]privet.AffectedSubject, error) {
	rows, err := t.query(ctx, `SELECT subject_id, notified_at FROM incident_subjects
		WHERE tenant_id = ? AND incident_id = ? AND subject_id > ? AND (? = 0 OR notified_at IS NULL)
		ORDER BY subject_id LIMIT ?`, tenantID, incidentID, f.After, f.Pending, pageLimit(f.Limit))
	if err != nil {
		return nil, dbError("affected", err)
	}
	defer rows.Close()
	var out []privet.AffectedSubject
	for rows.Next() {
		var a privet.AffectedSubject
		var at nullTime
		if err := rows.Scan(&a.SubjectID, &at); err != nil {
			return nil, dbError("affected", err)
		}
		a.NotifiedAt = at.ptr()
		out = append(out, a)
	}
	return out, dbError("affected", rows.Err())
}

func (t *tx) MarkNotified(ctx context.Context, tenantID, incidentID, subjectID string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE incident_subjects SET notified_at = coalesce(notified_at, ?)
		WHERE tenant_id = ? AND incident_id = ? AND subject_id = ?`, at.UnixNano(), tenantID, incidentID, subjectID)
	return oneRow("mark notified", "affected subject", res, err)
}

func (t *tx) CountAffected(ctx context.Context, tenantID, incidentID string, q privet.AffectedQuery) (privet.AffectedCounts, error) {
	var c privet.AffectedCounts
	err := t.queryRow(ctx, `SELECT count(*), count(notified_at) FROM incident_subjects WHERE tenant_id = ? AND incident_id = ?`,
		tenantID, incidentID).Scan(&c.People, &c.Notified)
	if err != nil {
		return c, dbError("count affected", err)
	}
	cats, catArgs := categoryMatch("f.category", q.Categories)
	types, typeArgs := inList("i.type", q.IdentityTypes)
	args := append([]any{tenantID, incidentID}, catArgs...)
	args = append(append(args, tenantID, incidentID), typeArgs...)
	err = t.queryRow(ctx, `SELECT
		(SELECT count(*) FROM incident_subjects a JOIN fields f ON f.tenant_id = a.tenant_id AND f.subject_id = a.subject_id
			WHERE a.tenant_id = ? AND a.incident_id = ? AND `+cats+`) +
		(SELECT count(*) FROM incident_subjects a JOIN identities i ON i.tenant_id = a.tenant_id AND i.subject_id = a.subject_id
			WHERE a.tenant_id = ? AND a.incident_id = ? AND `+types+`)`, args...).Scan(&c.Records)
	return c, dbError("count affected records", err)
}
