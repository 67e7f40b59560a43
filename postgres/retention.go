package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
)

// Bounds that stand for "from the start" and "with no end" in due-order
// comparisons; PostgreSQL keeps both years.
var (
	firstTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	lastTime  = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

func (t *tx) ScheduleRetention(ctx context.Context, items []privet.RetentionItem) error {
	if len(items) == 0 {
		return nil
	}
	return t.savepoint(ctx, func(q pgx.Tx) error {
		b := &pgx.Batch{}
		for _, it := range items {
			b.Queue(`INSERT INTO retention_due (tenant_id, subject_id, rule_key, action, due_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (tenant_id, subject_id, rule_key) DO UPDATE SET action = excluded.action, due_at = excluded.due_at`,
				it.TenantID, it.SubjectID, it.RuleKey, it.Action, it.DueAt.UTC())
		}
		err := q.SendBatch(ctx, b).Close()
		if isForeignKey(err) {
			return notFound("subject")
		}
		return dbError("schedule retention", err)
	})
}

func (t *tx) UnscheduleRetention(ctx context.Context, tenantID, subjectID string, ruleKeys []string) error {
	var err error
	if len(ruleKeys) == 0 {
		_, err = t.exec(ctx, `DELETE FROM retention_due WHERE tenant_id = $1 AND subject_id = $2`, tenantID, subjectID)
	} else {
		_, err = t.exec(ctx, `DELETE FROM retention_due WHERE tenant_id = $1 AND subject_id = $2 AND rule_key = ANY($3)`,
			tenantID, subjectID, ruleKeys)
	}
	return dbError("unschedule retention", err)
}

func scanItems(rows pgx.Rows, err error) ([]privet.RetentionItem, error) {
	if err != nil {
		return nil, dbError("retention items", err)
	}
	defer rows.Close()
	var out []privet.RetentionItem
	for rows.Next() {
		var it privet.RetentionItem
		if err := rows.Scan(&it.TenantID, &it.SubjectID, &it.RuleKey, &it.Action, &it.DueAt); err != nil {
			return nil, dbError("retention items", err)
		}
		it.DueAt = it.DueAt.UTC()
		out = append(out, it)
	}
	return out, dbError("retention items", rows.Err())
}

func orFirst(t time.Time) time.Time {
	if t.IsZero() {
		return firstTime
	}
	return t.UTC()
}

// DueRetention walks the retention_due_at index from the cursor; the row
// comparison matches the index order, so PostgreSQL seeks instead of scans.
func (t *tx) DueRetention(ctx context.Context, at time.Time, after privet.RetentionCursor, limit int) ([]privet.RetentionItem, error) {
	return scanItems(t.q.Query(ctx, `SELECT tenant_id, subject_id, rule_key, action, due_at FROM retention_due
		WHERE (due_at, tenant_id, subject_id, rule_key) > ($1, $2, $3, $4) AND due_at <= $5
		ORDER BY due_at, tenant_id, subject_id, rule_key LIMIT $6`,
		orFirst(after.DueAt), after.TenantID, after.SubjectID, after.RuleKey, at.UTC(), pageLimit(limit)))
}

func (t *tx) ScheduledRetention(ctx context.Context, tenantID string, f privet.RetentionFilter) ([]privet.RetentionItem, error) {
	before := lastTime
	if !f.Before.IsZero() {
		before = f.Before.UTC()
	}
	return scanItems(t.q.Query(ctx, `SELECT tenant_id, subject_id, rule_key, action, due_at FROM retention_due
		WHERE tenant_id = $1 AND (due_at, subject_id, rule_key) > ($2, $3, $4) AND due_at <= $5
		AND ($6 = '' OR subject_id = $6)
		ORDER BY due_at, subject_id, rule_key LIMIT $7`,
		tenantID, orFirst(f.After.DueAt), f.After.SubjectID, f.After.RuleKey, before, f.SubjectID, pageLimit(f.Limit)))
}

func (t *tx) DoneRetention(ctx context.Context, items []privet.RetentionItem) error {
	if len(items) == 0 {
		return nil
	}
	tenants, subjects, rules := make([]string, len(items)), make([]string, len(items)), make([]string, len(items))
	for i, it := range items {
		tenants[i], subjects[i], rules[i] = it.TenantID, it.SubjectID, it.RuleKey
	}
	_, err := t.exec(ctx, `DELETE FROM retention_due WHERE (tenant_id, subject_id, rule_key) IN
		(SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))`, tenants, subjects, rules)
	return dbError("retention done", err)
}

func (t *tx) SubjectsByID(ctx context.Context, tenantID string, ids []string) ([]*privet.Subject, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := t.q.Query(ctx, `SELECT `+subjectColumns+` FROM subjects WHERE tenant_id = $1 AND id = ANY($2) ORDER BY id`, tenantID, ids)
	if err != nil {
		return nil, dbError("subjects by id", err)
	}
	var out []*privet.Subject
	byID := make(map[string]*privet.Subject, len(ids))
	for rows.Next() {
		s, err := scanSubject(rows)
		if err != nil {
			rows.Close()
			return nil, dbError("subjects by id", err)
		}
		out = append(out, s)
		byID[s.ID] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbError("subjects by id", err)
	}
	if rows, err = t.q.Query(ctx, `SELECT subject_id, type, idx, sealed FROM identities
		WHERE tenant_id = $1 AND subject_id = ANY($2) ORDER BY subject_id, type, idx`, tenantID, ids); err != nil {
		return nil, dbError("identities by subject", err)
	}
	for rows.Next() {
		var sid, typ string
		var id privet.Identity
		if err := rows.Scan(&sid, &typ, &id.Index, &id.Sealed); err != nil {
			rows.Close()
			return nil, dbError("identities by subject", err)
		}
		id.Type = privet.IdentityType(typ)
		if s := byID[sid]; s != nil {
			s.Identities = append(s.Identities, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbError("identities by subject", err)
	}
	if rows, err = t.q.Query(ctx, `SELECT subject_id, name, category, sealed, updated_at FROM fields
		WHERE tenant_id = $1 AND subject_id = ANY($2) ORDER BY subject_id, name`, tenantID, ids); err != nil {
		return nil, dbError("fields by subject", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid string
		var f privet.Field
		var updated *time.Time
		if err := rows.Scan(&sid, &f.Name, &f.Category, &f.Sealed, &updated); err != nil {
			return nil, dbError("fields by subject", err)
		}
		f.UpdatedAt = fromTS(updated)
		if s := byID[sid]; s != nil {
			s.Fields = append(s.Fields, f)
		}
	}
	return out, dbError("fields by subject", rows.Err())
}

func (t *tx) EraseSubjects(ctx context.Context, tenantID string, ids []string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	if !t.write {
		return errWriteInView()
	}
	b := &pgx.Batch{}
	b.Queue(`UPDATE subjects SET status = $1, sealed_birth_date = NULL, erased_at = $2, updated_at = $2
		WHERE tenant_id = $3 AND id = ANY($4)`, string(privet.StatusErased), ts(at), tenantID, ids)
	b.Queue(`DELETE FROM identities WHERE tenant_id = $1 AND subject_id = ANY($2)`, tenantID, ids)
	b.Queue(`DELETE FROM fields WHERE tenant_id = $1 AND subject_id = ANY($2)`, tenantID, ids)
	return dbError("erase subjects", t.q.SendBatch(ctx, b).Close())
}

// AppendAudits queues events of one tenant in order, as AppendAudit does
// each; the batch inserts them at its end (with COPY when they are many).
func (t *tx) AppendAudits(ctx context.Context, events []*privet.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	if !t.write {
		return errWriteInView()
	}
	for _, e := range events {
		if e.TenantID != events[0].TenantID {
			return privet.Errorf(privet.EINTERNAL, "audit batch spans tenants")
		}
	}
	if err := t.checkAuditHead(ctx, events[0].TenantID); err != nil {
		return err
	}
	for _, e := range events {
		e.Time = e.Time.UTC().Truncate(time.Microsecond)
	}
	t.audit.events = append(t.audit.events, events...)
	return nil
}

func (t *tx) AddRetentionCounts(ctx context.Context, counts []privet.RetentionCount) error {
	if len(counts) == 0 {
		return nil
	}
	return t.savepoint(ctx, func(q pgx.Tx) error {
		b := &pgx.Batch{}
		for _, c := range counts {
			b.Queue(`INSERT INTO retention_counts (tenant_id, rule_key, combination, count) VALUES ($1, $2, $3, $4)
				ON CONFLICT (tenant_id, rule_key, combination) DO UPDATE SET count = retention_counts.count + excluded.count`,
				c.TenantID, c.RuleKey, c.Combination, c.Count)
		}
		err := q.SendBatch(ctx, b).Close()
		if isForeignKey(err) {
			return notFound("tenant")
		}
		return dbError("add retention counts", err)
	})
}

func (t *tx) RetentionCounts(ctx context.Context, tenantID string) ([]privet.RetentionCount, error) {
	rows, err := t.q.Query(ctx, `SELECT tenant_id, rule_key, combination, count FROM retention_counts
		WHERE tenant_id = $1 ORDER BY rule_key, combination`, tenantID)
	if err != nil {
		return nil, dbError("retention counts", err)
	}
	defer rows.Close()
	var out []privet.RetentionCount
	for rows.Next() {
		var c privet.RetentionCount
		if err := rows.Scan(&c.TenantID, &c.RuleKey, &c.Combination, &c.Count); err != nil {
			return nil, dbError("retention counts", err)
		}
		out = append(out, c)
	}
	return out, dbError("retention counts", rows.Err())
}
