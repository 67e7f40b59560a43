package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/privet-dev/privet"
)

func (t *tx) CreateAPIKey(ctx context.Context, k *privet.APIKey) error {
	scopes, err := json.Marshal(k.Scopes)
	if err != nil {
		return dbError("encode scopes", err)
	}
	_, err = t.exec(ctx, `INSERT INTO api_keys (id, tenant_id, name, hash, scopes, created_at, revoked_at, last_used_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.TenantID, k.Name, k.Hash, string(scopes), nanos(k.CreatedAt), nanosPtr(k.RevokedAt), nanosPtr(k.LastUsedAt))
	switch {
	case isUnique(err):
		return privet.Errorf(privet.ECONFLICT, "api key already exists")
	case isForeignKey(err):
		return notFound("tenant")
	}
	return dbError("create api key", err)
}

const apiKeyColumns = `id, tenant_id, name, hash, scopes, created_at, revoked_at, last_used_at`

func scanAPIKey(sc interface{ Scan(...any) error }) (*privet.APIKey, error) {
	var k privet.APIKey
	var scopes string
	var created, revoked, used nullTime
	if err := sc.Scan(&k.ID, &k.TenantID, &k.Name, &k.Hash, &scopes, &created, &revoked, &used); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(scopes), &k.Scopes); err != nil {
		return nil, err
	}
	k.CreatedAt, k.RevokedAt, k.LastUsedAt = created.time(), revoked.ptr(), used.ptr()
	return &k, nil
}

func (t *tx) APIKeyByHash(ctx context.Context, hash []byte) (*privet.APIKey, error) {
	k, err := scanAPIKey(t.queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("api key")
	}
	if err != nil {
		return nil, dbError("api key", err)
	}
	return k, nil
}

func (t *tx) APIKeys(ctx context.Context, tenantID string) ([]*privet.APIKey, error) {
	rows, err := t.query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id`, tenantID)
	if err != nil {
		return nil, dbError("api keys", err)
	}
	defer rows.Close()
	var out []*privet.APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, dbError("api keys", err)
		}
		out = append(out, k)
	}
	return out, dbError("api keys", rows.Err())
}

func (t *tx) RevokeAPIKey(ctx context.Context, tenantID, id string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE api_keys SET revoked_at = ? WHERE tenant_id = ? AND id = ?`, nanos(at), tenantID, id)
	if err != nil {
		return dbError("revoke api key", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return dbError("revoke api key", err)
	} else if n == 0 {
		return notFound("api key")
	}
	return nil
}
