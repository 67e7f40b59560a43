package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
)

const policyColumns = `tenant_id, version, effective, source, sha256, published_at, published_by, material, rights_reduced, activated_at`

// CreatePolicyVersion inserts in a savepoint, so a duplicate version leaves
// the transaction usable.
func (t *tx) CreatePolicyVersion(ctx context.Context, v *privet.PolicyVersion) error {
	return t.savepoint(ctx, func(q pgx.Tx) error {
		_, err := q.Exec(ctx, `INSERT INTO policy_versions (`+policyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			v.TenantID, v.Version, v.Effective.UTC(), v.Source, v.SHA256, ts(v.PublishedAt), v.PublishedBy,
			v.Material, v.RightsReduced, tsPtr(v.ActivatedAt))
		switch {
		case isUnique(err):
			return privet.Errorf(privet.ECONFLICT, "the tenant already has this policy version")
		case isForeignKey(err):
			return notFound("tenant")
		}
		return dbError("create policy version", err)
	})
}

func scanPolicyVersion(row pgx.Row) (*privet.PolicyVersion, error) {
	var v privet.PolicyVersion
	var published, activated *time.Time
	if err := row.Scan(&v.TenantID, &v.Version, &v.Effective, &v.Source, &v.SHA256, &published, &v.PublishedBy,
		&v.Material, &v.RightsReduced, &activated); err != nil {
		return nil, err
	}
	v.Effective = v.Effective.UTC()
	v.PublishedAt, v.ActivatedAt = fromTS(published), fromTSPtr(activated)
	return &v, nil
}

func (t *tx) PolicyVersion(ctx context.Context, tenantID, version string) (*privet.PolicyVersion, error) {
	v, err := scanPolicyVersion(t.q.QueryRow(ctx, `SELECT `+policyColumns+` FROM policy_versions WHERE tenant_id = $1 AND version = $2`, tenantID, version))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("policy version")
	}
	if err != nil {
		return nil, dbError("policy version", err)
	}
	return v, nil
}

func (t *tx) PolicyVersions(ctx context.Context, tenantID string) ([]*privet.PolicyVersion, error) {
	return t.policyVersions(ctx, `SELECT `+policyColumns+` FROM policy_versions WHERE tenant_id = $1 ORDER BY effective, seq`, tenantID)
}

func (t *tx) PolicyVersionsPending(ctx context.Context, at time.Time) ([]*privet.PolicyVersion, error) {
	return t.policyVersions(ctx, `SELECT `+policyColumns+` FROM policy_versions
		WHERE activated_at IS NULL AND effective <= $1 ORDER BY effective, seq`, at.UTC())
}

func (t *tx) policyVersions(ctx context.Context, query string, args ...any) ([]*privet.PolicyVersion, error) {
	rows, err := t.q.Query(ctx, query, args...)
	if err != nil {
		return nil, dbError("policy versions", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*privet.PolicyVersion, error) { return scanPolicyVersion(r) })
	return out, dbError("policy versions", err)
}

func (t *tx) ActivatePolicyVersion(ctx context.Context, tenantID, version string, at time.Time) (bool, error) {
	tag, err := t.exec(ctx, `UPDATE policy_versions SET activated_at = $1 WHERE tenant_id = $2 AND version = $3 AND activated_at IS NULL`,
		ts(at), tenantID, version)
	if err != nil {
		return false, dbError("activate policy version", err)
	}
	if tag.RowsAffected() == 1 {
		return true, nil
	}
	if _, err := t.PolicyVersion(ctx, tenantID, version); err != nil {
		return false, err
	}
	return false, nil
}

func (t *tx) PolicyChangeStamp(ctx context.Context, tenantID string) (int64, error) {
	var stamp int64
	err := t.q.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM policy_versions WHERE tenant_id = $1`, tenantID).Scan(&stamp)
	return stamp, dbError("policy change stamp", err)
}

func (t *tx) RecordPolicyNotice(ctx context.Context, tenantID, version, subjectID string, at time.Time) (bool, error) {
	var inserted bool
	err := t.savepoint(ctx, func(q pgx.Tx) error {
		tag, err := q.Exec(ctx, `INSERT INTO policy_notices (tenant_id, version, subject_id, sent_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, tenantID, version, subjectID, ts(at))
		if isForeignKey(err) {
			return notFound("policy version")
		}
		inserted = tag.RowsAffected() == 1
		return dbError("record policy notice", err)
	})
	return inserted, err
}

func (t *tx) PolicyNoticeSent(ctx context.Context, tenantID, version, subjectID string) (bool, error) {
	var n int
	err := t.q.QueryRow(ctx, `SELECT count(*) FROM policy_notices WHERE tenant_id = $1 AND version = $2 AND subject_id = $3`,
		tenantID, version, subjectID).Scan(&n)
	return n > 0, dbError("policy notice", err)
}
