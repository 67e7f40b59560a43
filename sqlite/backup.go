package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// Backup writes a consistent snapshot of the data to destPath while the store
// keeps serving. The snapshot holds no data keys: back up the KeyStore apart.
func (s *Store) Backup(ctx context.Context, destPath string) error {
	return vacuumInto(ctx, s.path, destPath)
}

// Backup writes a consistent snapshot of the key database to destPath.
func (k *KeyStore) Backup(ctx context.Context, destPath string) error {
	return vacuumInto(ctx, k.st.path, destPath)
}

// vacuumInto copies the database through a connection of its own: VACUUM
// INTO reads in one read transaction (a snapshot, beside the writer), but the
// read pool's query_only forbids it and the writer must keep committing.
func vacuumInto(ctx context.Context, path, destPath string) error {
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, destPath); err != nil {
		return fmt.Errorf("sqlite: backup: %w", dbError("vacuum into", err))
	}
	return nil
}
