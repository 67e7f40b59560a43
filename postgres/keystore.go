package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/privet-dev/privet"
)

// DefaultKeySchema is where data keys live unless WithSchema says otherwise:
// apart from the data, so a dump of the data schema holds no keys.
const DefaultKeySchema = "privet_keys"

// KeyStore is privet.DataKeyStore in a schema of its own.
type KeyStore struct {
	pool *pgxpool.Pool
}

var _ privet.DataKeyStore = (*KeyStore)(nil)

// OpenKeyStore connects to the database at url, in DefaultKeySchema unless
// WithSchema names another. It does not migrate: call Migrate.
func OpenKeyStore(ctx context.Context, url string, opts ...Option) (*KeyStore, error) {
	pool, err := openPool(ctx, url, DefaultKeySchema, opts)
	if err != nil {
		return nil, err
	}
	return &KeyStore{pool: pool}, nil
}

// Migrate brings the key schema up to date.
func (k *KeyStore) Migrate(ctx context.Context) error { return applyMigrations(ctx, k.pool, keySchema) }

// CheckSchema refuses a key schema behind or ahead of this binary's.
func (k *KeyStore) CheckSchema(ctx context.Context) error {
	return checkVersion(ctx, k.pool, keySchema)
}

// Close closes the pool.
func (k *KeyStore) Close() error {
	k.pool.Close()
	return nil
}

func (k *KeyStore) PutDataKey(ctx context.Context, dk *privet.DataKey) error {
	_, err := k.pool.Exec(ctx, `INSERT INTO data_keys (tenant_id, subject_id, wrapped, master_key_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
		dk.TenantID, dk.SubjectID, dk.Wrapped, int64(dk.MasterKeyID), ts(dk.CreatedAt))
	if isUnique(err) {
		return privet.Errorf(privet.ECONFLICT, "subject already has a data key")
	}
	return dbError("put data key", err)
}

const dataKeyColumns = `tenant_id, subject_id, wrapped, master_key_id, created_at`

func scanDataKey(row pgx.Row) (*privet.DataKey, error) {
	var dk privet.DataKey
	var master int64
	var created *time.Time
	if err := row.Scan(&dk.TenantID, &dk.SubjectID, &dk.Wrapped, &master, &created); err != nil {
		return nil, err
	}
	dk.MasterKeyID, dk.CreatedAt = uint32(master), fromTS(created)
	return &dk, nil
}

func (k *KeyStore) DataKey(ctx context.Context, tenantID, subjectID string) (*privet.DataKey, error) {
	dk, err := scanDataKey(k.pool.QueryRow(ctx, `SELECT `+dataKeyColumns+` FROM data_keys WHERE tenant_id = $1 AND subject_id = $2`, tenantID, subjectID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("data key")
	}
	if err != nil {
		return nil, dbError("data key", err)
	}
	return dk, nil
}

func (k *KeyStore) DeleteDataKey(ctx context.Context, tenantID, subjectID string) error {
	_, err := k.pool.Exec(ctx, `DELETE FROM data_keys WHERE tenant_id = $1 AND subject_id = $2`, tenantID, subjectID)
	return dbError("delete data key", err)
}

func (k *KeyStore) DataKeysNotWrappedBy(ctx context.Context, masterKeyID uint32, afterTenant, afterSubject string, limit int) ([]*privet.DataKey, error) {
	rows, err := k.pool.Query(ctx, `SELECT `+dataKeyColumns+` FROM data_keys
		WHERE master_key_id <> $1 AND (tenant_id, subject_id) > ($2, $3) ORDER BY tenant_id, subject_id LIMIT $4`,
		int64(masterKeyID), afterTenant, afterSubject, pageLimit(limit))
	if err != nil {
		return nil, dbError("data keys", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*privet.DataKey, error) { return scanDataKey(r) })
	return out, dbError("data keys", err)
}

// RewrapDataKey swaps the wrapping only if oldID still wraps the key, so a
// concurrent rotation cannot overwrite a newer wrapping: ECONFLICT if another
// master key wraps it now, ENOTFOUND if the key is gone.
func (k *KeyStore) RewrapDataKey(ctx context.Context, tenantID, subjectID string, oldID uint32, wrapped []byte, newID uint32) error {
	tag, err := k.pool.Exec(ctx, `UPDATE data_keys SET wrapped = $1, master_key_id = $2
		WHERE tenant_id = $3 AND subject_id = $4 AND master_key_id = $5`, wrapped, int64(newID), tenantID, subjectID, int64(oldID))
	if err := oneRow("rewrap data key", "data key", tag, err); !errors.Is(err, privet.ErrNotFound) {
		return err
	}
	if _, err := k.DataKey(ctx, tenantID, subjectID); err != nil {
		return err
	}
	return privet.Errorf(privet.ECONFLICT, "data key is no longer wrapped by master key %d", oldID)
}

func (k *KeyStore) CountDataKeys(ctx context.Context) (map[uint32]int64, error) {
	rows, err := k.pool.Query(ctx, `SELECT master_key_id, count(*) FROM data_keys GROUP BY master_key_id`)
	if err != nil {
		return nil, dbError("count data keys", err)
	}
	out := map[uint32]int64{}
	var id, n int64
	_, err = pgx.ForEachRow(rows, []any{&id, &n}, func() error {
		out[uint32(id)] = n
		return nil
	})
	return out, dbError("count data keys", err)
}
