package sqlite

import "context"

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
