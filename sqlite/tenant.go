package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/privet-dev/privet"
)

func (t *tx) CreateTenant(ctx context.Context, tn *privet.Tenant) error {
	_, err := t.exec(ctx, `INSERT INTO tenants (id, name, created_at, signing_key, signing_public_key) VALUES (?, ?, ?, ?, ?)`,
		tn.ID, tn.Name, nanos(tn.CreatedAt), tn.SigningKey, tn.SigningPublicKey)
	if isUnique(err) {
		return privet.Errorf(privet.ECONFLICT, "tenant already exists")
	}
	return dbError("create tenant", err)
}

const tenantColumns = `id, name, created_at, signing_key, signing_public_key`

func scanTenant(sc interface{ Scan(...any) error }) (*privet.Tenant, error) {
	var tn privet.Tenant
	var created nullTime
	if err := sc.Scan(&tn.ID, &tn.Name, &created, &tn.SigningKey, &tn.SigningPublicKey); err != nil {
		return nil, err
	}
	tn.CreatedAt = created.time()
	return &tn, nil
}

func (t *tx) Tenant(ctx context.Context, id string) (*privet.Tenant, error) {
	tn, err := scanTenant(t.queryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("tenant")
	}
	if err != nil {
		return nil, dbError("tenant", err)
	}
	return tn, nil
}

func (t *tx) Tenants(ctx context.Context) ([]*privet.Tenant, error) {
	rows, err := t.query(ctx, `SELECT `+tenantColumns+` FROM tenants ORDER BY created_at, id`)
	if err != nil {
		return nil, dbError("tenants", err)
	}
	defer rows.Close()
	var out []*privet.Tenant
	for rows.Next() {
		tn, err := scanTenant(rows)
		if err != nil {
			return nil, dbError("tenants", err)
		}
		out = append(out, tn)
	}
	return out, dbError("tenants", rows.Err())
}
