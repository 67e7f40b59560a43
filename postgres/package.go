package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/privet-dev/privet"
)

// CreatePackage inserts in a savepoint, so a conflict or an unknown subject
// leaves the transaction usable.
func (t *tx) CreatePackage(ctx context.Context, p *privet.ExportPackage) error {
	return t.savepoint(ctx, func(q pgx.Tx) error {
		_, err := q.Exec(ctx, `INSERT INTO export_packages (tenant_id, id, subject_id, request_id, size, created_at,
			expires_at, wrapped_key, ready) VALUES ($1, $2, $3, $4, 0, $5, $6, $7, false)`,
			p.TenantID, p.ID, p.SubjectID, p.RequestID, ts(p.CreatedAt), ts(p.ExpiresAt), p.WrappedKey)
		switch {
		case isUnique(err):
			return privet.Errorf(privet.ECONFLICT, "package already exists")
		case isForeignKey(err):
			return notFound("subject")
		}
		return dbError("create package", err)
	})
}

// PutPackageChunk inserts the chunk only while its package is being written,
// so a chunk can never be added to a ready package.
func (t *tx) PutPackageChunk(ctx context.Context, tenantID, id string, n int, data []byte) error {
	if n < 0 {
		return privet.FieldError("n", "chunk numbers start at zero")
	}
	return t.savepoint(ctx, func(q pgx.Tx) error {
		tag, err := q.Exec(ctx, `INSERT INTO export_package_chunks (tenant_id, package_id, n, data)
			SELECT tenant_id, id, $1, $2 FROM export_packages WHERE tenant_id = $3 AND id = $4 AND NOT ready`,
			n, data, tenantID, id)
		if isUnique(err) {
			return privet.Errorf(privet.ECONFLICT, "package chunk already exists")
		}
		if err != nil {
			return dbError("put package chunk", err)
		}
		return requireRow(tag, "package")
	})
}

func (t *tx) FinishPackage(ctx context.Context, tenantID, id string, size int64) error {
	tag, err := t.exec(ctx, `UPDATE export_packages SET ready = true, size = $1 WHERE tenant_id = $2 AND id = $3 AND NOT ready`,
		size, tenantID, id)
	if err != nil {
		return dbError("finish package", err)
	}
	return requireRow(tag, "package")
}

func requireRow(tag pgconn.CommandTag, what string) error {
	if tag.RowsAffected() == 0 {
		return notFound(what)
	}
	return nil
}

const packageColumns = `tenant_id, id, subject_id, request_id, size, created_at, expires_at, wrapped_key`

func scanPackage(sc interface{ Scan(...any) error }) (*privet.ExportPackage, error) {
	var p privet.ExportPackage
	var created, expires time.Time
	if err := sc.Scan(&p.TenantID, &p.ID, &p.SubjectID, &p.RequestID, &p.Size, &created, &expires, &p.WrappedKey); err != nil {
		return nil, err
	}
	p.CreatedAt, p.ExpiresAt = created.UTC(), expires.UTC()
	return &p, nil
}

func (t *tx) Package(ctx context.Context, tenantID, id string) (*privet.ExportPackage, error) {
	p, err := scanPackage(t.q.QueryRow(ctx, `SELECT `+packageColumns+` FROM export_packages
		WHERE tenant_id = $1 AND id = $2 AND ready`, tenantID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("package")
	}
	if err != nil {
		return nil, dbError("package", err)
	}
	return p, nil
}

// PackageChunks reads the chunks as the rows arrive, so only the chunk in
// hand (and the driver's read buffer) is in memory.
func (t *tx) PackageChunks(ctx context.Context, tenantID, id string, fn func(n int, data []byte) error) error {
	if _, err := t.Package(ctx, tenantID, id); err != nil {
		return err
	}
	rows, err := t.q.Query(ctx, `SELECT n, data FROM export_package_chunks WHERE tenant_id = $1 AND package_id = $2 ORDER BY n`,
		tenantID, id)
	if err != nil {
		return dbError("package chunks", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n int
		var data []byte
		if err := rows.Scan(&n, &data); err != nil {
			return dbError("package chunks", err)
		}
		if err := fn(n, data); err != nil {
			return err
		}
	}
	return dbError("package chunks", rows.Err())
}

func (t *tx) DeletePackage(ctx context.Context, tenantID, id string) error {
	tag, err := t.exec(ctx, `DELETE FROM export_packages WHERE tenant_id = $1 AND id = $2`, tenantID, id)
	if err != nil {
		return dbError("delete package", err)
	}
	return requireRow(tag, "package")
}

func (t *tx) ExpiredPackages(ctx context.Context, before time.Time, limit int) ([]*privet.ExportPackage, error) {
	rows, err := t.q.Query(ctx, `SELECT `+packageColumns+` FROM export_packages WHERE expires_at < $1
		ORDER BY expires_at, tenant_id, id LIMIT $2`, before.UTC(), pageLimit(limit))
	if err != nil {
		return nil, dbError("expired packages", err)
	}
	defer rows.Close()
	var out []*privet.ExportPackage
	for rows.Next() {
		p, err := scanPackage(rows)
		if err != nil {
			return nil, dbError("expired packages", err)
		}
		out = append(out, p)
	}
	return out, dbError("expired packages", rows.Err())
}

// PackageByRequest finds a request's newest ready package, by the
// (tenant, request) index.
func (t *tx) PackageByRequest(ctx context.Context, tenantID, requestID string) (*privet.ExportPackage, error) {
	if requestID == "" {
		return nil, notFound("package")
	}
	p, err := scanPackage(t.q.QueryRow(ctx, `SELECT `+packageColumns+` FROM export_packages
		WHERE tenant_id = $1 AND request_id = $2 AND ready ORDER BY created_at DESC, id DESC LIMIT 1`, tenantID, requestID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("package")
	}
	if err != nil {
		return nil, dbError("package by request", err)
	}
	return p, nil
}
