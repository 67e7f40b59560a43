package export

import (
	"context"
	"io"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
)

// ChunkSize is the size of the ciphertext chunks a package is stored in:
// each is written in its own transaction, so memory and transaction size
// stay bounded whatever the package's size.
const ChunkSize = 1 << 20

// expiredBatch is how many expired packages one sweep step deletes.
const expiredBatch = 100

// Packages stores export packages encrypted in the database, where every
// server sharing the database can serve them. Each package has its own
// streaming key, wrapped by the master key and bound to tenant and package
// id, so a chunk moved to another package or tenant fails authentication.
type Packages struct {
	Store  privet.Store
	Master *crypto.Master
	Clock  privet.Clock
}

// PackageMeta describes a package about to be saved.
type PackageMeta struct {
	SubjectID string
	// RequestID names the request the package answers; "" for none.
	RequestID string
	// ExpiresAt is when the package stops being downloadable (the policy's
	// rights.export_window after now, typically).
	ExpiresAt time.Time
}

func (p *Packages) now() time.Time { return p.Clock.Now() }

// Save stores what write writes as a new package and returns it once it
// is complete. write runs once, on the caller's goroutine; what it writes
// is encrypted and stored a chunk at a time. Until the last chunk is
// stored the package is invisible, and if write or a store write fails the
// partial package is deleted (or, after a crash, swept when it expires), so
// no one can ever read half a package.
//
// EINVALID for a missing subject or an expiry not in the future, ENOTFOUND
// for an unknown subject, or write's own error.
func (p *Packages) Save(ctx context.Context, tenantID string, meta PackageMeta, write func(io.Writer) error) (*privet.ExportPackage, error) {
	switch {
	case meta.SubjectID == "":
		return nil, privet.FieldError("subject_id", "a subject is required")
	case !meta.ExpiresAt.After(p.now()):
		return nil, privet.FieldError("expires_at", "must be in the future")
	}
	pkg := &privet.ExportPackage{
		TenantID: tenantID, ID: privet.NewID(privet.PrefixPackage), SubjectID: meta.SubjectID, RequestID: meta.RequestID,
		CreatedAt: p.now(), ExpiresAt: meta.ExpiresAt.UTC(),
	}
	key, wrapped, err := p.Master.NewPackageKey(tenantID, pkg.ID)
	if err != nil {
		return nil, err
	}
	pkg.WrappedKey = wrapped
	if err := p.Store.Update(ctx, func(tx privet.Tx) error { return tx.CreatePackage(ctx, pkg) }); err != nil {
		return nil, err
	}
	size, err := p.fill(ctx, pkg, key, write)
	if err == nil {
		err = p.Store.Update(ctx, func(tx privet.Tx) error { return tx.FinishPackage(ctx, tenantID, pkg.ID, size) })
	}
	if err != nil {
		// Best effort, even if ctx ended: what is left is swept at expiry.
		_ = p.Store.Update(context.WithoutCancel(ctx), func(tx privet.Tx) error { return tx.DeletePackage(ctx, tenantID, pkg.ID) })
		return nil, err
	}
	pkg.Size = size
	return pkg, nil
}

// fill runs write through the encrypting writer into the chunk writer and
// returns the plaintext size.
func (p *Packages) fill(ctx context.Context, pkg *privet.ExportPackage, key *crypto.PackageKey, write func(io.Writer) error) (int64, error) {
	cw := &chunkWriter{ctx: ctx, store: p.Store, pkg: pkg, buf: make([]byte, 0, ChunkSize)}
	enc, err := key.Encrypt(cw)
	if err != nil {
		return 0, err
	}
	counted := &countingWriter{w: enc}
	if err := write(counted); err != nil {
		return 0, err
	}
	if err := enc.Close(); err != nil {
		return 0, err
	}
	return counted.n, cw.flush()
}

// countingWriter counts the plaintext bytes.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// chunkWriter stores ciphertext a chunk at a time, one transaction each.
type chunkWriter struct {
	ctx   context.Context
	store privet.Store
	pkg   *privet.ExportPackage
	buf   []byte
	n     int
	err   error
}

func (c *chunkWriter) Write(b []byte) (int, error) {
	written := 0
	for len(b) > 0 {
		if c.err != nil {
			return written, c.err
		}
		k := min(len(b), ChunkSize-len(c.buf))
		c.buf = append(c.buf, b[:k]...)
		b, written = b[k:], written+k
		if len(c.buf) == ChunkSize {
			c.err = c.flush()
		}
	}
	return written, c.err
}

// flush stores the buffered chunk. Update returns only once committed, so
// the buffer is free to reuse afterwards.
func (c *chunkWriter) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	n, data := c.n, c.buf
	err := c.store.Update(c.ctx, func(tx privet.Tx) error {
		return tx.PutPackageChunk(c.ctx, c.pkg.TenantID, c.pkg.ID, n, data)
	})
	if err != nil {
		return err
	}
	c.n++
	c.buf = c.buf[:0]
	return nil
}

// Package returns a package's metadata. ENOTFOUND if there is none (or it
// is another tenant's, or still being written), EFORBIDDEN if it expired.
func (p *Packages) Package(ctx context.Context, tenantID, id string) (*privet.ExportPackage, error) {
	var pkg *privet.ExportPackage
	err := p.Store.View(ctx, func(tx privet.Tx) error {
		var err error
		pkg, err = tx.Package(ctx, tenantID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !p.now().Before(pkg.ExpiresAt) {
		return nil, ErrExpired
	}
	return pkg, nil
}

// ErrExpired is the answer for a package past its expiry: it will be
// deleted, and the person may ask again.
var ErrExpired = privet.Errorf(privet.EFORBIDDEN, "the package has expired")

// Open writes the package's plaintext (the ZIP) to w, decrypting as the
// chunks stream from the store. ENOTFOUND or EFORBIDDEN as Package;
// EINTEGRITY if any chunk fails authentication, is missing or is out of
// place. Each segment is authenticated before it is written, but the
// segments before a bad one have been written by then: a caller serving
// HTTP must treat an error after the first byte as a broken download.
func (p *Packages) Open(ctx context.Context, tenantID, id string, w io.Writer) error {
	pkg, err := p.Package(ctx, tenantID, id)
	if err != nil {
		return err
	}
	key, err := p.Master.OpenPackageKey(tenantID, id, pkg.WrappedKey)
	if err != nil {
		return err
	}
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		next := 0
		err := p.Store.View(ctx, func(tx privet.Tx) error {
			return tx.PackageChunks(ctx, tenantID, id, func(n int, data []byte) error {
				if n != next {
					return privet.Errorf(privet.EINTEGRITY, "package chunk missing")
				}
				next++
				_, err := pw.Write(data)
				return err
			})
		})
		pw.CloseWithError(err)
	}()
	_, err = io.Copy(w, key.Decrypt(pr))
	pr.Close() // stops the chunk reader if decryption or w failed first
	<-done
	return err
}

// Delete removes a package and its chunks. ENOTFOUND if there is none.
func (p *Packages) Delete(ctx context.Context, tenantID, id string) error {
	return p.Store.Update(ctx, func(tx privet.Tx) error { return tx.DeletePackage(ctx, tenantID, id) })
}

// DeleteExpired deletes every package, of every tenant, that expired by now
// (the moment Open starts refusing it), including writes abandoned by a
// crash, and returns how many it deleted. Several servers may sweep at once: a package
// another server deleted first is not counted.
func (p *Packages) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	// Stores keep microseconds: a package expiring at now is expired.
	before := now.Add(time.Microsecond)
	deleted := 0
	for {
		var batch []*privet.ExportPackage
		err := p.Store.View(ctx, func(tx privet.Tx) error {
			var err error
			batch, err = tx.ExpiredPackages(ctx, before, expiredBatch)
			return err
		})
		if err != nil {
			return deleted, err
		}
		for _, pkg := range batch {
			err := p.Store.Update(ctx, func(tx privet.Tx) error { return tx.DeletePackage(ctx, pkg.TenantID, pkg.ID) })
			switch {
			case err == nil:
				deleted++
			case privet.ErrorCode(err) != privet.ENOTFOUND:
				return deleted, err
			}
		}
		if len(batch) < expiredBatch {
			return deleted, nil
		}
	}
}
