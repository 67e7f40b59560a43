package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/privet-dev/privet"
)

func (t *tx) CreateAPIKey(ctx context.Context, k *privet.APIKey) error {
	scopes := make([]string, len(k.Scopes))
	for i, s := range k.Scopes {
		scopes[i] = string(s)
	}
	return t.savepoint(ctx, func(q pgx.Tx) error {
		_, err := q.Exec(ctx, `INSERT INTO api_keys (id, tenant_id, name, hash, scopes, created_at, revoked_at, last_used_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			k.ID, k.TenantID, k.Name, k.Hash, scopes, ts(k.CreatedAt), tsPtr(k.RevokedAt), tsPtr(k.LastUsedAt))
		switch {
		case isUnique(err):
			return privet.Errorf(privet.ECONFLICT, "api key already exists")
		case isForeignKey(err):
			return notFound("tenant")
		}
		return dbError("create api key", err)
	})
}

const apiKeyColumns = `id, tenant_id, name, hash, scopes, created_at, revoked_at, last_used_at`

func scanAPIKey(row pgx.Row) (*privet.APIKey, error) {
	var k privet.APIKey
	var scopes []string
	var created, revoked, used *time.Time
	if err := row.Scan(&k.ID, &k.TenantID, &k.Name, &k.Hash, &scopes, &created, &revoked, &used); err != nil {
		return nil, err
	}
	k.Scopes = make([]privet.Scope, len(scopes))
	for i, s := range scopes {
		k.Scopes[i] = privet.Scope(s)
	}
	k.CreatedAt, k.RevokedAt, k.LastUsedAt = fromTS(created), fromTSPtr(revoked), fromTSPtr(used)
	return &k, nil
}

func (t *tx) APIKeyByHash(ctx context.Context, hash []byte) (*privet.APIKey, error) {
	k, err := scanAPIKey(t.q.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE hash = $1`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("api key")
	}
	if err != nil {
		return nil, dbError("api key", err)
	}
	return k, nil
}

func (t *tx) APIKeys(ctx context.Context, tenantID string) ([]*privet.APIKey, error) {
	rows, err := t.q.Query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id`, tenantID)
	if err != nil {
		return nil, dbError("api keys", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*privet.APIKey, error) { return scanAPIKey(r) })
	return out, dbError("api keys", err)
}

func (t *tx) RevokeAPIKey(ctx context.Context, tenantID, id string, at time.Time) error {
	tag, err := t.exec(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE tenant_id = $2 AND id = $3`, ts(at), tenantID, id)
	return oneRow("revoke api key", "api key", tag, err)
}

// oneRow turns "no row changed" into ENOTFOUND.
func oneRow(op, what string, tag pgconn.CommandTag, err error) error {
	if err != nil {
		return dbError(op, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(what)
	}
	return nil
}
