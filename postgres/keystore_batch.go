package postgres

import "context"

// DeleteDataKeys destroys many subjects' keys in one statement: a retention
// sweep crypto-shreds a batch at once. Missing keys are not an error.
func (k *KeyStore) DeleteDataKeys(ctx context.Context, tenantID string, subjectIDs []string) error {
	if len(subjectIDs) == 0 {
		return nil
	}
	_, err := k.pool.Exec(ctx, `DELETE FROM data_keys WHERE tenant_id = $1 AND subject_id = ANY($2)`, tenantID, subjectIDs)
	return dbError("delete data keys", err)
}
