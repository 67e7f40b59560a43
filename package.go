package privet

import (
	"context"
	"time"
)

// ExportPackage is an access or portability package: a ZIP of a subject's
// data, stored encrypted in chunks under its own key, downloadable until it
// expires. WrappedKey is that key wrapped by the master key and bound to the
// tenant and package id; the chunks are ciphertext, so the database holds
// nothing readable without the master key.
type ExportPackage struct {
	TenantID  string
	ID        string
	SubjectID string
	// RequestID names the data-subject request the package answers; "" for none.
	RequestID string
	// Size is the plaintext size in bytes, known once the last chunk is written.
	Size       int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	WrappedKey []byte
}

// PackageStore keeps export packages and their encrypted chunks. A package
// is written across several transactions (a chunk or a few at a time, so
// memory stays bounded) and becomes visible only when FinishPackage marks it
// ready: a write that stops midway leaves nothing anyone can read, and the
// expiry sweep removes its chunks.
type PackageStore interface {
	// CreatePackage inserts a package that is not yet ready. ENOTFOUND if the
	// tenant or the subject does not exist, ECONFLICT if the id is taken.
	CreatePackage(ctx context.Context, p *ExportPackage) error
	// PutPackageChunk stores chunk n (0, 1, ...) of a package not yet ready.
	// ENOTFOUND if there is no such package being written, ECONFLICT if
	// chunk n exists already.
	PutPackageChunk(ctx context.Context, tenantID, id string, n int, data []byte) error
	// FinishPackage records the size and makes the package ready. ENOTFOUND if
	// there is no such package being written.
	FinishPackage(ctx context.Context, tenantID, id string, size int64) error
	// Package returns a ready package. ENOTFOUND if none, if it is another
	// tenant's, or if it is still being written.
	Package(ctx context.Context, tenantID, id string) (*ExportPackage, error)
	// PackageByRequest returns the ready package answering a request, the
	// latest if there are several. ENOTFOUND if none, if the request is
	// another tenant's, or if its package is still being written.
	PackageByRequest(ctx context.Context, tenantID, requestID string) (*ExportPackage, error)
	// PackageChunks calls fn with each chunk of a ready package in order,
	// one at a time, and stops at fn's first error. ENOTFOUND as Package.
	PackageChunks(ctx context.Context, tenantID, id string, fn func(n int, data []byte) error) error
	// DeletePackage removes a package, ready or not, and its chunks.
	// ENOTFOUND if none.
	DeletePackage(ctx context.Context, tenantID, id string) error
	// ExpiredPackages returns up to limit packages of every tenant, ready or
	// not, that expire before before, soonest first.
	ExpiredPackages(ctx context.Context, before time.Time, limit int) ([]*ExportPackage, error)
}
