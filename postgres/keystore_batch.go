package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
)

// DeleteDataKeys destroys many subjects' keys in one statement: a retention
// sweep crypto-shreds a batch at once. Missing keys are not an error.
func (k *KeyStore) DeleteDataKeys(ctx context.Context, tenantID string, subjectIDs []string) error {
	if len(subjectIDs) == 0 {
		return nil
	}
	_, err := k.pool.Exec(ctx, `DELETE FROM data_keys WHERE tenant_id = $1 AND subject_id = ANY($2)`, tenantID, subjectIDs)
	return dbError("delete data keys", err)
}

// PutDataKeys inserts many keys in one copy, for bulk loads (an import, a
// benchmark's setup). ECONFLICT if a subject already has a key; then none is
// inserted.
func (k *KeyStore) PutDataKeys(ctx context.Context, keys []*privet.DataKey) error {
	rows := make([][]any, len(keys))
	for i, dk := range keys {
		rows[i] = []any{dk.TenantID, dk.SubjectID, dk.Wrapped, int64(dk.MasterKeyID), ts(dk.CreatedAt)}
	}
	_, err := k.pool.CopyFrom(ctx, pgx.Identifier{"data_keys"}, []string{"tenant_id", "subject_id", "wrapped", "master_key_id", "created_at"}, pgx.CopyFromRows(rows))
	if isUnique(err) {
		return privet.Errorf(privet.ECONFLICT, "subject already has a data key")
	}
	return dbError("put data keys", err)
}
