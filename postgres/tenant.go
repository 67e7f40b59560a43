package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
)

// CreateTenant inserts the tenant and its audit chain head, so appends only
// ever lock an existing row.
func (t *tx) CreateTenant(ctx context.Context, tn *privet.Tenant) error {
	return t.savepoint(ctx, func(q pgx.Tx) error {
		_, err := q.Exec(ctx, `INSERT INTO tenants (id, name, created_at, signing_key, signing_public_key) VALUES ($1, $2, $3, $4, $5)`,
			tn.ID, tn.Name, ts(tn.CreatedAt), tn.SigningKey, tn.SigningPublicKey)
		if isUnique(err) {
			return privet.Errorf(privet.ECONFLICT, "tenant already exists")
		}
		if err != nil {
			return dbError("create tenant", err)
		}
		_, err = q.Exec(ctx, `INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ($1, 0, NULL) ON CONFLICT (tenant_id) DO NOTHING`, tn.ID)
		return dbError("create audit head", err)
	})
}

const tenantColumns = `id, name, created_at, signing_key, signing_public_key`

func scanTenant(row pgx.Row) (*privet.Tenant, error) {
	var tn privet.Tenant
	var created *time.Time
	if err := row.Scan(&tn.ID, &tn.Name, &created, &tn.SigningKey, &tn.SigningPublicKey); err != nil {
		return nil, err
	}
	tn.CreatedAt = fromTS(created)
	return &tn, nil
}

func (t *tx) Tenant(ctx context.Context, id string) (*privet.Tenant, error) {
	tn, err := scanTenant(t.q.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("tenant")
	}
	if err != nil {
		return nil, dbError("tenant", err)
	}
	return tn, nil
}

func (t *tx) Tenants(ctx context.Context) ([]*privet.Tenant, error) {
	rows, err := t.q.Query(ctx, `SELECT `+tenantColumns+` FROM tenants ORDER BY created_at, id`)
	if err != nil {
		return nil, dbError("tenants", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*privet.Tenant, error) { return scanTenant(r) })
	return out, dbError("tenants", err)
}
