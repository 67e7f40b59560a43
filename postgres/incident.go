package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
)

const incidentColumns = `id, tenant_id, title, description, categories, discovered_at, occurred_at, status, risk,
	impact, measures, advice, password_reset, regulator_notified_at, people_notified_at, public_notice_at,
	jurisdictions, created_at, updated_at`

func (t *tx) CreateIncident(ctx context.Context, i *privet.Incident) error {
	return t.savepoint(ctx, func(q pgx.Tx) error {
		_, err := q.Exec(ctx, `INSERT INTO incidents (`+incidentColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
			i.ID, i.TenantID, i.Title, i.Description, orEmpty(i.Categories), i.DiscoveredAt.UTC(), tsPtr(i.OccurredAt),
			string(i.Status), string(i.Risk), i.Impact, i.Measures, i.Advice, i.PasswordReset,
			tsPtr(i.RegulatorNotifiedAt), tsPtr(i.PeopleNotifiedAt), tsPtr(i.PublicNoticeAt),
			orEmpty(i.Jurisdictions), i.CreatedAt.UTC(), i.UpdatedAt.UTC())
		switch {
		case isForeignKey(err):
			return notFound("tenant")
		case isUnique(err):
			return privet.Errorf(privet.ECONFLICT, "incident exists")
		}
		return dbError("create incident", err)
	})
}

func scanIncident(row pgx.Row) (*privet.Incident, error) {
	var i privet.Incident
	var status, risk string
	var occurred, regulator, people, public *time.Time
	if err := row.Scan(&i.ID, &i.TenantID, &i.Title, &i.Description, &i.Categories, &i.DiscoveredAt, &occurred, &status, &risk,
		&i.Impact, &i.Measures, &i.Advice, &i.PasswordReset, &regulator, &people, &public,
		&i.Jurisdictions, &i.CreatedAt, &i.UpdatedAt); err != nil {
		return nil, err
	}
	i.Status, i.Risk = privet.IncidentStatus(status), privet.Risk(risk)
	i.DiscoveredAt, i.CreatedAt, i.UpdatedAt = i.DiscoveredAt.UTC(), i.CreatedAt.UTC(), i.UpdatedAt.UTC()
	i.OccurredAt, i.RegulatorNotifiedAt, i.PeopleNotifiedAt, i.PublicNoticeAt = fromTSPtr(occurred), fromTSPtr(regulator), fromTSPtr(people), fromTSPtr(public)
	i.Categories, i.Jurisdictions = orEmpty(i.Categories), orEmpty(i.Jurisdictions)
	return &i, nil
}

func (t *tx) Incident(ctx context.Context, tenantID, id string) (*privet.Incident, error) {
	i, err := scanIncident(t.q.QueryRow(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE tenant_id = $1 AND id = $2`+t.forUpdate(), tenantID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("incident")
	}
	return i, dbError("incident", err)
}

func (t *tx) PublicIncident(ctx context.Context, id string) (*privet.Incident, error) {
	i, err := scanIncident(t.q.QueryRow(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE id = $1 AND public_notice_at IS NOT NULL`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("incident")
	}
	return i, dbError("public incident", err)
}

func (t *tx) Incidents(ctx context.Context, tenantID string, f privet.IncidentFilter) ([]*privet.Incident, error) {
	rows, err := t.q.Query(ctx, `SELECT `+incidentColumns+` FROM incidents
		WHERE tenant_id = $1 AND id > $2 AND ($3 = '' OR status = $3) ORDER BY id LIMIT $4`,
		tenantID, f.After, string(f.Status), pageLimit(f.Limit))
	if err != nil {
		return nil, dbError("incidents", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*privet.Incident, error) { return scanIncident(r) })
	return out, dbError("incidents", err)
}

func (t *tx) UpdateIncident(ctx context.Context, i *privet.Incident) error {
	tag, err := t.exec(ctx, `UPDATE incidents SET title = $1, description = $2, categories = $3, discovered_at = $4,
		occurred_at = $5, status = $6, risk = $7, impact = $8, measures = $9, advice = $10, password_reset = $11,
		regulator_notified_at = $12, people_notified_at = $13, public_notice_at = $14, jurisdictions = $15, updated_at = $16
		WHERE tenant_id = $17 AND id = $18`,
		i.Title, i.Description, orEmpty(i.Categories), i.DiscoveredAt.UTC(), tsPtr(i.OccurredAt),
		string(i.Status), string(i.Risk), i.Impact, i.Measures, i.Advice, i.PasswordReset,
		tsPtr(i.RegulatorNotifiedAt), tsPtr(i.PeopleNotifiedAt), tsPtr(i.PublicNoticeAt),
		orEmpty(i.Jurisdictions), i.UpdatedAt.UTC(), i.TenantID, i.ID)
	return oneRow("update incident", "incident", tag, err)
}

// sqlArgs numbers placeholders as conditions are built.
type sqlArgs []any

func (a *sqlArgs) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// categoryMatch is the condition "column holds one of the keys or a key
// below one", written as bytewise ranges so the category index (COLLATE "C")
// serves it: the keys below "a.b" sort between "a.b." and "a.b/".
func (a *sqlArgs) categoryMatch(column string, keys []string) string {
	col := column + ` COLLATE "C"`
	var conds []string
	for _, k := range keys {
		conds = append(conds, "("+col+" = "+a.add(k)+" OR ("+col+" > "+a.add(k+".")+" AND "+col+" < "+a.add(k+"/")+"))")
	}
	if len(conds) == 0 {
		return "false"
	}
	return "(" + strings.Join(conds, " OR ") + ")"
}

func identityTypes(types []privet.IdentityType) []string {
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = string(t)
	}
	return out
}

// AffectedSubjectIDs starts from the category index (and the identities of
// the types asked for), then joins the subjects: a query that started from
// the subjects would scan the tenant's fields once per subject.
func (t *tx) AffectedSubjectIDs(ctx context.Context, tenantID string, q privet.AffectedQuery) ([]string, error) {
	var a sqlArgs
	var parts []string
	if len(q.Categories) > 0 {
		parts = append(parts, `SELECT f.subject_id FROM fields f WHERE f.tenant_id = `+a.add(tenantID)+
			` AND f.subject_id > `+a.add(q.After)+` AND `+a.categoryMatch("f.category", q.Categories))
	}
	if len(q.IdentityTypes) > 0 {
		parts = append(parts, `SELECT i.subject_id FROM identities i WHERE i.tenant_id = `+a.add(tenantID)+
			` AND i.subject_id > `+a.add(q.After)+` AND i.type = ANY(`+a.add(identityTypes(q.IdentityTypes))+`)`)
	}
	if len(parts) == 0 {
		return nil, nil
	}
	query := `SELECT a.subject_id FROM (` + strings.Join(parts, " UNION ") + `) a
		JOIN subjects s ON s.tenant_id = ` + a.add(tenantID) + ` AND s.id = a.subject_id
		WHERE s.status <> 'erased'`
	if len(q.Jurisdictions) > 0 {
		query += ` AND s.jurisdiction = ANY(` + a.add(q.Jurisdictions) + `)`
	}
	query += ` ORDER BY a.subject_id LIMIT ` + a.add(pageLimit(q.Limit))
	rows, err := t.q.Query(ctx, query, a...)
	if err != nil {
		return nil, dbError("affected subjects", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, dbError("affected subjects", err)
}

func (t *tx) AddAffected(ctx context.Context, tenantID, incidentID string, subjectIDs []string) (int, error) {
	added := 0
	err := t.savepoint(ctx, func(q pgx.Tx) error {
		tag, err := q.Exec(ctx, `INSERT INTO incident_subjects (tenant_id, incident_id, subject_id)
			SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING`, tenantID, incidentID, orEmpty(subjectIDs))
		if isForeignKey(err) {
			return notFound("incident or subject")
		}
		if err != nil {
			return dbError("add affected", err)
		}
		added = int(tag.RowsAffected())
		return nil
	})
	return added, err
}

func (t *tx) Affected(ctx context.Context, tenantID, incidentID string, f privet.AffectedFilter) ([]privet.AffectedSubject, error) {
	rows, err := t.q.Query(ctx, `SELECT subject_id, notified_at FROM incident_subjects
		WHERE tenant_id = $1 AND incident_id = $2 AND subject_id > $3 AND (NOT $4 OR notified_at IS NULL)
		ORDER BY subject_id LIMIT $5`, tenantID, incidentID, f.After, f.Pending, pageLimit(f.Limit))
	if err != nil {
		return nil, dbError("affected", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (privet.AffectedSubject, error) {
		var a privet.AffectedSubject
		var at *time.Time
		err := r.Scan(&a.SubjectID, &at)
		a.NotifiedAt = fromTSPtr(at)
		return a, err
	})
	return out, dbError("affected", err)
}

func (t *tx) MarkNotified(ctx context.Context, tenantID, incidentID, subjectID string, at time.Time) error {
	tag, err := t.exec(ctx, `UPDATE incident_subjects SET notified_at = coalesce(notified_at, $1)
		WHERE tenant_id = $2 AND incident_id = $3 AND subject_id = $4`, at.UTC(), tenantID, incidentID, subjectID)
	return oneRow("mark notified", "affected subject", tag, err)
}

func (t *tx) CountAffected(ctx context.Context, tenantID, incidentID string, q privet.AffectedQuery) (privet.AffectedCounts, error) {
	var c privet.AffectedCounts
	err := t.q.QueryRow(ctx, `SELECT count(*), count(notified_at) FROM incident_subjects WHERE tenant_id = $1 AND incident_id = $2`,
		tenantID, incidentID).Scan(&c.People, &c.Notified)
	if err != nil {
		return c, dbError("count affected", err)
	}
	var a sqlArgs
	tn, inc := a.add(tenantID), a.add(incidentID)
	err = t.q.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM incident_subjects a JOIN fields f ON f.tenant_id = a.tenant_id AND f.subject_id = a.subject_id
			WHERE a.tenant_id = `+tn+` AND a.incident_id = `+inc+` AND `+a.categoryMatch("f.category", q.Categories)+`) +
		(SELECT count(*) FROM incident_subjects a JOIN identities i ON i.tenant_id = a.tenant_id AND i.subject_id = a.subject_id
			WHERE a.tenant_id = `+tn+` AND a.incident_id = `+inc+` AND i.type = ANY(`+a.add(identityTypes(q.IdentityTypes))+`))`, a...).Scan(&c.Records)
	return c, dbError("count affected records", err)
}
