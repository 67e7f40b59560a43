package sqlite

import (
	"context"

	"github.com/privet-dev/privet"
)

// DeleteDataKeys destroys many subjects' keys in one write: a retention
// sweep crypto-shreds a batch at once. Missing keys are not an error.
func (k *KeyStore) DeleteDataKeys(ctx context.Context, tenantID string, subjectIDs []string) error {
	if len(subjectIDs) == 0 {
		return nil
	}
	return k.write(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM data_keys WHERE tenant_id = ? AND subject_id IN (SELECT value FROM json_each(?))`,
			tenantID, jsonList(subjectIDs))
		return dbError("delete data keys", err)
	})
}

// PutDataKeys inserts many keys in one write, for bulk loads (an import, a
// benchmark's setup). ECONFLICT if a subject already has a key; then none is
// inserted.
func (k *KeyStore) PutDataKeys(ctx context.Context, keys []*privet.DataKey) error {
	return k.write(ctx, func(t *tx) error {
		return t.savepoint(ctx, func() error {
			for _, dk := range keys {
				_, err := t.exec(ctx, `INSERT INTO data_keys (tenant_id, subject_id, wrapped, master_key_id, created_at) VALUES (?, ?, ?, ?, ?)`,
					dk.TenantID, dk.SubjectID, dk.Wrapped, int64(dk.MasterKeyID), nanos(dk.CreatedAt))
				if isUnique(err) {
					return privet.Errorf(privet.ECONFLICT, "subject already has a data key")
				}
				if err != nil {
					return dbError("put data keys", err)
				}
			}
			return nil
		})
	})
}
