package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/privet-dev/privet"
)

func (t *tx) ScheduleRetention(ctx context.Context, items []privet.RetentionItem) error {
	return t.savepoint(ctx, func() error {
		for _, it := range items {
			_, err := t.exec(ctx, `INSERT INTO retention_due (tenant_id, subject_id, rule_key, action, due_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (tenant_id, subject_id, rule_key) DO UPDATE SET action = excluded.action, due_at = excluded.due_at`,
				it.TenantID, it.SubjectID, it.RuleKey, it.Action, it.DueAt.UnixNano())
			switch {
			case isForeignKey(err):
				return notFound("subject")
			case err != nil:
				return dbError("schedule retention", err)
			}
		}
		return nil
	})
}

func (t *tx) UnscheduleRetention(ctx context.Context, tenantID, subjectID string, ruleKeys []string) error {
	var err error
	if len(ruleKeys) == 0 {
		_, err = t.exec(ctx, `DELETE FROM retention_due WHERE tenant_id = ? AND subject_id = ?`, tenantID, subjectID)
	} else {
		_, err = t.exec(ctx, `DELETE FROM retention_due WHERE tenant_id = ? AND subject_id = ?
			AND rule_key IN (SELECT value FROM json_each(?))`, tenantID, subjectID, jsonList(ruleKeys))
	}
	return dbError("unschedule retention", err)
}

func scanItems(rows *sql.Rows, err error) ([]privet.RetentionItem, error) {
	if err != nil {
		return nil, dbError("retention items", err)
	}
	defer rows.Close()
	var out []privet.RetentionItem
	for rows.Next() {
		var it privet.RetentionItem
		var due int64
		if err := rows.Scan(&it.TenantID, &it.SubjectID, &it.RuleKey, &it.Action, &due); err != nil {
			return nil, dbError("retention items", err)
		}
		it.DueAt = time.Unix(0, due).UTC()
		out = append(out, it)
	}
	return out, dbError("retention items", rows.Err())
}

// DueRetention walks the retention_due_at index from the cursor: the row
// value comparison is what lets SQLite seek instead of scan.
func (t *tx) DueRetention(ctx context.Context, at time.Time, after privet.RetentionCursor, limit int) ([]privet.RetentionItem, error) {
	var from int64 = -1 << 63
	if !after.DueAt.IsZero() {
		from = after.DueAt.UnixNano()
	}
	return scanItems(t.query(ctx, `SELECT tenant_id, subject_id, rule_key, action, due_at FROM retention_due INDEXED BY retention_due_at
		WHERE (due_at, tenant_id, subject_id, rule_key) > (?, ?, ?, ?) AND due_at <= ?
		ORDER BY due_at, tenant_id, subject_id, rule_key LIMIT ?`,
		from, after.TenantID, after.SubjectID, after.RuleKey, at.UnixNano(), pageLimit(limit)))
}

func (t *tx) ScheduledRetention(ctx context.Context, tenantID string, f privet.RetentionFilter) ([]privet.RetentionItem, error) {
	var from int64 = -1 << 63
	if !f.After.DueAt.IsZero() {
		from = f.After.DueAt.UnixNano()
	}
	var before int64 = 1<<63 - 1
	if !f.Before.IsZero() {
		before = f.Before.UnixNano()
	}
	q := `SELECT tenant_id, subject_id, rule_key, action, due_at FROM retention_due
		WHERE tenant_id = ? AND (due_at, subject_id, rule_key) > (?, ?, ?) AND due_at <= ?`
	args := []any{tenantID, from, f.After.SubjectID, f.After.RuleKey, before}
	if f.SubjectID != "" {
		q += ` AND subject_id = ?`
		args = append(args, f.SubjectID)
	}
	q += ` ORDER BY due_at, subject_id, rule_key LIMIT ?`
	return scanItems(t.query(ctx, q, append(args, pageLimit(f.Limit))...))
}

// DoneRetention deletes by primary key, one statement per tenant and rule:
// the subject ids come as one JSON list, and the equalities on tenant and
// rule around the IN let SQLite look each row up by its key.
func (t *tx) DoneRetention(ctx context.Context, items []privet.RetentionItem) error {
	if len(items) == 0 {
		return nil
	}
	type group struct{ tenant, rule string }
	var order []group
	ids := map[group][]string{}
	for _, it := range items {
		g := group{it.TenantID, it.RuleKey}
		if _, ok := ids[g]; !ok {
			order = append(order, g)
		}
		ids[g] = append(ids[g], it.SubjectID)
	}
	for _, g := range order {
		if _, err := t.exec(ctx, `DELETE FROM retention_due WHERE tenant_id = ? AND rule_key = ?
			AND subject_id IN (SELECT value FROM json_each(?))`, g.tenant, g.rule, jsonList(ids[g])); err != nil {
			return dbError("retention done", err)
		}
	}
	return nil
}

func (t *tx) SubjectsByID(ctx context.Context, tenantID string, ids []string) ([]*privet.Subject, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list := jsonList(ids)
	rows, err := t.query(ctx, `SELECT `+subjectColumns+` FROM subjects
		WHERE tenant_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id`, tenantID, list)
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
	if rows, err = t.query(ctx, `SELECT subject_id, type, idx, sealed FROM identities
		WHERE tenant_id = ? AND subject_id IN (SELECT value FROM json_each(?)) ORDER BY subject_id, type, idx`, tenantID, list); err != nil {
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
	if rows, err = t.query(ctx, `SELECT subject_id, name, category, sealed, updated_at FROM fields
		WHERE tenant_id = ? AND subject_id IN (SELECT value FROM json_each(?)) ORDER BY subject_id, name`, tenantID, list); err != nil {
		return nil, dbError("fields by subject", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid string
		var f privet.Field
		var updated nullTime
		if err := rows.Scan(&sid, &f.Name, &f.Category, &f.Sealed, &updated); err != nil {
			return nil, dbError("fields by subject", err)
		}
		f.UpdatedAt = updated.time()
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
	list := jsonList(ids)
	return t.savepoint(ctx, func() error {
		if _, err := t.exec(ctx, `UPDATE subjects SET status = ?, sealed_birth_date = NULL, erased_at = ?, updated_at = ?
			WHERE tenant_id = ? AND id IN (SELECT value FROM json_each(?))`,
			string(privet.StatusErased), nanos(at), nanos(at), tenantID, list); err != nil {
			return dbError("erase subjects", err)
		}
		if _, err := t.exec(ctx, `DELETE FROM identities WHERE tenant_id = ? AND subject_id IN (SELECT value FROM json_each(?))`, tenantID, list); err != nil {
			return dbError("erase identities", err)
		}
		if _, err := t.exec(ctx, `DELETE FROM fields WHERE tenant_id = ? AND subject_id IN (SELECT value FROM json_each(?))`, tenantID, list); err != nil {
			return dbError("erase fields", err)
		}
		return nil
	})
}

func (t *tx) AppendAudits(ctx context.Context, events []*privet.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	if !t.write {
		return errWriteInView()
	}
	tenantID := events[0].TenantID
	return t.savepoint(ctx, func() error {
		h, err := t.auditHead(ctx, tenantID)
		if err != nil {
			return err
		}
		stmt, err := t.q.PrepareContext(t.ctx(ctx), insertAuditSQL)
		if err != nil {
			return dbError("append audit", err)
		}
		defer stmt.Close()
		exec := func(ctx context.Context, _ string, args ...any) (sql.Result, error) {
			return stmt.ExecContext(t.ctx(ctx), args...)
		}
		for _, e := range events {
			if e.TenantID != tenantID {
				return privet.Errorf(privet.EINTERNAL, "audit batch spans tenants")
			}
			if err := t.insertAudit(ctx, exec, e, h); err != nil {
				return err
			}
			h = auditHead{seq: e.Seq, hash: e.Hash}
		}
		return t.advanceAuditHead(ctx, tenantID, h.seq, h.hash)
	})
}

func (t *tx) AddRetentionCounts(ctx context.Context, counts []privet.RetentionCount) error {
	return t.savepoint(ctx, func() error {
		for _, c := range counts {
			_, err := t.exec(ctx, `INSERT INTO retention_counts (tenant_id, rule_key, combination, count) VALUES (?, ?, ?, ?)
				ON CONFLICT (tenant_id, rule_key, combination) DO UPDATE SET count = count + excluded.count`,
				c.TenantID, c.RuleKey, c.Combination, c.Count)
			switch {
			case isForeignKey(err):
				return notFound("tenant")
			case err != nil:
				return dbError("add retention counts", err)
			}
		}
		return nil
	})
}

func (t *tx) RetentionCounts(ctx context.Context, tenantID string) ([]privet.RetentionCount, error) {
	rows, err := t.query(ctx, `SELECT tenant_id, rule_key, combination, count FROM retention_counts
		WHERE tenant_id = ? ORDER BY rule_key, combination`, tenantID)
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
