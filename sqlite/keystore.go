package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/privet-dev/privet"
)

// KeyStore is privet.DataKeyStore in a SQLite file of its own, apart from
// the data, so a backup of the data holds no usable key. Its writes go
// through the same group committer and WAL checkpointer as the data store:
// a data key is durable before the data it seals, and concurrent creates
// share one fsync instead of queueing for one each.
type KeyStore struct {
	st *Store
}

var _ privet.DataKeyStore = (*KeyStore)(nil)

// OpenKeyStore opens (creating if needed) the key database at path, with the
// same pragmas as the data. It does not migrate: call Migrate.
func OpenKeyStore(ctx context.Context, path string) (*KeyStore, error) {
	st, err := open(ctx, path)
	if err != nil {
		return nil, err
	}
	return &KeyStore{st: st}, nil
}

// write runs one statement through the group committer.
func (k *KeyStore) write(ctx context.Context, fn func(t *tx) error) error {
	return k.st.Update(ctx, func(ptx privet.Tx) error { return fn(ptx.(*tx)) })
}

// Migrate brings the key store's schema up to date.
func (k *KeyStore) Migrate(ctx context.Context) error {
	return applyMigrations(ctx, k.st.writer, keySchema)
}

// CheckSchema refuses a key schema behind or ahead of this binary's.
func (k *KeyStore) CheckSchema(ctx context.Context) error {
	return checkVersion(ctx, k.st.reader, keySchema)
}

// Close closes the key database.
func (k *KeyStore) Close() error { return k.st.Close() }

func (k *KeyStore) PutDataKey(ctx context.Context, dk *privet.DataKey) error {
	return k.write(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `INSERT INTO data_keys (tenant_id, subject_id, wrapped, master_key_id, created_at) VALUES (?, ?, ?, ?, ?)`,
			dk.TenantID, dk.SubjectID, dk.Wrapped, int64(dk.MasterKeyID), nanos(dk.CreatedAt))
		if isUnique(err) {
			return privet.Errorf(privet.ECONFLICT, "subject already has a data key")
		}
		return dbError("put data key", err)
	})
}

func scanDataKey(sc interface{ Scan(...any) error }) (*privet.DataKey, error) {
	var dk privet.DataKey
	var master int64
	var created nullTime
	if err := sc.Scan(&dk.TenantID, &dk.SubjectID, &dk.Wrapped, &master, &created); err != nil {
		return nil, err
	}
	dk.MasterKeyID, dk.CreatedAt = uint32(master), created.time()
	return &dk, nil
}

const dataKeyColumns = `tenant_id, subject_id, wrapped, master_key_id, created_at`

func (k *KeyStore) DataKey(ctx context.Context, tenantID, subjectID string) (*privet.DataKey, error) {
	dk, err := scanDataKey(k.st.readRow(ctx, `SELECT `+dataKeyColumns+` FROM data_keys WHERE tenant_id = ? AND subject_id = ?`, tenantID, subjectID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("data key")
	}
	if err != nil {
		return nil, dbError("data key", err)
	}
	return dk, nil
}

func (k *KeyStore) DeleteDataKey(ctx context.Context, tenantID, subjectID string) error {
	return k.write(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM data_keys WHERE tenant_id = ? AND subject_id = ?`, tenantID, subjectID)
		return dbError("delete data key", err)
	})
}

func (k *KeyStore) DataKeysNotWrappedBy(ctx context.Context, masterKeyID uint32, afterTenant, afterSubject string, limit int) ([]*privet.DataKey, error) {
	rows, err := k.st.reader.QueryContext(ctx, `SELECT `+dataKeyColumns+` FROM data_keys
		WHERE master_key_id <> ? AND (tenant_id, subject_id) > (?, ?) ORDER BY tenant_id, subject_id LIMIT ?`,
		int64(masterKeyID), afterTenant, afterSubject, pageLimit(limit))
	if err != nil {
		return nil, dbError("data keys", err)
	}
	defer rows.Close()
	var out []*privet.DataKey
	for rows.Next() {
		dk, err := scanDataKey(rows)
		if err != nil {
			return nil, dbError("data keys", err)
		}
		out = append(out, dk)
	}
	return out, dbError("data keys", rows.Err())
}

// RewrapDataKey swaps the wrapping only if oldID still wraps the key, so a
// concurrent rotation cannot overwrite a newer wrapping: ECONFLICT if another
// master key wraps it now, ENOTFOUND if the key is gone.
func (k *KeyStore) RewrapDataKey(ctx context.Context, tenantID, subjectID string, oldID uint32, wrapped []byte, newID uint32) error {
	err := k.write(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE data_keys SET wrapped = ?, master_key_id = ?
			WHERE tenant_id = ? AND subject_id = ? AND master_key_id = ?`, wrapped, int64(newID), tenantID, subjectID, int64(oldID))
		return oneRow("rewrap data key", "data key", res, err)
	})
	if !errors.Is(err, privet.ErrNotFound) {
		return err
	}
	if _, err := k.DataKey(ctx, tenantID, subjectID); err != nil {
		return err
	}
	return privet.Errorf(privet.ECONFLICT, "data key is no longer wrapped by master key %d", oldID)
}

func (k *KeyStore) CountDataKeys(ctx context.Context) (map[uint32]int64, error) {
	rows, err := k.st.reader.QueryContext(ctx, `SELECT master_key_id, count(*) FROM data_keys GROUP BY master_key_id`)
	if err != nil {
		return nil, dbError("count data keys", err)
	}
	defer rows.Close()
	out := map[uint32]int64{}
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, dbError("count data keys", err)
		}
		out[uint32(id)] = n
	}
	return out, dbError("count data keys", rows.Err())
}
