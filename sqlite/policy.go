package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/privet-dev/privet"
)

const policyColumns = `tenant_id, version, effective, source, sha256, published_at, published_by, material, rights_reduced, activated_at`

func (t *tx) CreatePolicyVersion(ctx context.Context, v *privet.PolicyVersion) error {
	_, err := t.exec(ctx, `INSERT INTO policy_versions (`+policyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.TenantID, v.Version, v.Effective.UnixNano(), v.Source, v.SHA256, nanos(v.PublishedAt), v.PublishedBy,
		v.Material, v.RightsReduced, nanosPtr(v.ActivatedAt))
	switch {
	case isUnique(err):
		return privet.Errorf(privet.ECONFLICT, "the tenant already has this policy version")
	case isForeignKey(err):
		return notFound("tenant")
	}
	return dbError("create policy version", err)
}

func scanPolicyVersion(sc interface{ Scan(...any) error }) (*privet.PolicyVersion, error) {
	var v privet.PolicyVersion
	var effective int64
	var published, activated nullTime
	if err := sc.Scan(&v.TenantID, &v.Version, &effective, &v.Source, &v.SHA256, &published, &v.PublishedBy,
		&v.Material, &v.RightsReduced, &activated); err != nil {
		return nil, err
	}
	v.Effective = time.Unix(0, effective).UTC()
	v.PublishedAt, v.ActivatedAt = published.time(), activated.ptr()
	return &v, nil
}

func (t *tx) PolicyVersion(ctx context.Context, tenantID, version string) (*privet.PolicyVersion, error) {
	v, err := scanPolicyVersion(t.queryRow(ctx, `SELECT `+policyColumns+` FROM policy_versions WHERE tenant_id = ? AND version = ?`, tenantID, version))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("policy version")
	}
	if err != nil {
		return nil, dbError("policy version", err)
	}
	return v, nil
}

func (t *tx) PolicyVersions(ctx context.Context, tenantID string) ([]*privet.PolicyVersion, error) {
	return t.policyVersions(ctx, `SELECT `+policyColumns+` FROM policy_versions WHERE tenant_id = ? ORDER BY effective, seq`, tenantID)
}

func (t *tx) PolicyVersionsPending(ctx context.Context, at time.Time) ([]*privet.PolicyVersion, error) {
	return t.policyVersions(ctx, `SELECT `+policyColumns+` FROM policy_versions
		WHERE activated_at IS NULL AND effective <= ? ORDER BY effective, seq`, at.UnixNano())
}

func (t *tx) policyVersions(ctx context.Context, query string, args ...any) ([]*privet.PolicyVersion, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, dbError("policy versions", err)
	}
	defer rows.Close()
	var out []*privet.PolicyVersion
	for rows.Next() {
		v, err := scanPolicyVersion(rows)
		if err != nil {
			return nil, dbError("policy versions", err)
		}
		out = append(out, v)
	}
	return out, dbError("policy versions", rows.Err())
}

func (t *tx) ActivatePolicyVersion(ctx context.Context, tenantID, version string, at time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE policy_versions SET activated_at = ? WHERE tenant_id = ? AND version = ? AND activated_at IS NULL`,
		nanos(at), tenantID, version)
	if err != nil {
		return false, dbError("activate policy version", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	if _, err := t.PolicyVersion(ctx, tenantID, version); err != nil {
		return false, err
	}
	return false, nil
}

func (t *tx) PolicyChangeStamp(ctx context.Context, tenantID string) (int64, error) {
	var stamp int64
	err := t.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM policy_versions WHERE tenant_id = ?`, tenantID).Scan(&stamp)
	return stamp, dbError("policy change stamp", err)
}

func (t *tx) RecordPolicyNotice(ctx context.Context, tenantID, version, subjectID string, at time.Time) (bool, error) {
	res, err := t.exec(ctx, `INSERT INTO policy_notices (tenant_id, version, subject_id, sent_at) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, tenantID, version, subjectID, nanos(at))
	if isForeignKey(err) {
		return false, notFound("policy version")
	}
	if err != nil {
		return false, dbError("record policy notice", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (t *tx) PolicyNoticeSent(ctx context.Context, tenantID, version, subjectID string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT count(*) FROM policy_notices WHERE tenant_id = ? AND version = ? AND subject_id = ?`,
		tenantID, version, subjectID).Scan(&n)
	return n > 0, dbError("policy notice", err)
}
