package export_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/export"
	"github.com/privet-dev/privet/storetest"
)

// payload is deterministic and not compressible by the encryption: n bytes
// of a SHA-256 stream.
func payload(n int) []byte {
	out := make([]byte, 0, n+32)
	h := sha256.Sum256([]byte("seed"))
	for len(out) < n {
		out = append(out, h[:]...)
		h = sha256.Sum256(h[:])
	}
	return out[:n]
}

func (w *world) save(t *testing.T, data []byte, ttl time.Duration) *privet.ExportPackage {
	t.Helper()
	pkg, err := w.pkgs.Save(context.Background(), w.tenant, export.PackageMeta{SubjectID: w.subject, RequestID: "req_1",
		ExpiresAt: w.clock.Now().Add(ttl)}, func(out io.Writer) error {
		// Odd-sized writes, so chunk boundaries fall inside them.
		for b := data; len(b) > 0; {
			k := min(len(b), 77777)
			if _, err := out.Write(b[:k]); err != nil {
				return err
			}
			b = b[k:]
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Save: %v", err)
	}
	return pkg
}

func (w *world) open(tenantID, id string) ([]byte, error) {
	var buf bytes.Buffer
	err := w.pkgs.Open(context.Background(), tenantID, id, &buf)
	return buf.Bytes(), err
}

// execSQL runs a statement on the engine's database directly: how a test
// plays an attacker with write access to the database.
func (w *world) execSQL(t *testing.T, sqliteQ, pgQ string, args ...any) {
	t.Helper()
	var err error
	switch s := w.store.(type) {
	case interface{ DB() *sql.DB }:
		_, err = s.DB().Exec(sqliteQ, args...)
	case interface{ Pool() *pgxpool.Pool }:
		_, err = s.Pool().Exec(context.Background(), pgQ, args...)
	default:
		t.Fatalf("no raw access to %T", w.store)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func (w *world) chunks(t *testing.T, tenantID, id string) [][]byte {
	t.Helper()
	var out [][]byte
	err := w.store.View(context.Background(), func(tx privet.Tx) error {
		return tx.PackageChunks(context.Background(), tenantID, id, func(_ int, data []byte) error {
			out = append(out, bytes.Clone(data))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPackages(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, newWorld(t, engine)) })
			t.Run("Tampered", func(t *testing.T) { testTampered(t, newWorld(t, engine)) })
			t.Run("Expired", func(t *testing.T) { testExpired(t, newWorld(t, engine)) })
			t.Run("CrashSafety", func(t *testing.T) { testCrashSafety(t, newWorld(t, engine)) })
			t.Run("Validation", func(t *testing.T) { testValidation(t, newWorld(t, engine)) })
		})
	}
}

func testRoundTrip(t *testing.T, w *world) {
	data := payload(3*export.ChunkSize + 12345)
	pkg := w.save(t, data, time.Hour)
	if pkg.Size != int64(len(data)) || pkg.SubjectID != w.subject || pkg.RequestID != "req_1" || !pkg.ExpiresAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("package %+v", pkg)
	}
	got, err := w.open(w.tenant, pkg.ID)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Open: %v, %d bytes, equal %v", err, len(got), bytes.Equal(got, data))
	}
	chunks := w.chunks(t, w.tenant, pkg.ID)
	if len(chunks) != 4 {
		t.Fatalf("%d chunks, want 4", len(chunks))
	}
	for i, c := range chunks {
		if i < 3 && len(c) != export.ChunkSize {
			t.Errorf("chunk %d is %d bytes", i, len(c))
		}
		if bytes.Contains(c, data[:32]) || bytes.Contains(c, data[len(data)-32:]) {
			t.Fatal("a stored chunk holds plaintext")
		}
	}

	// Another tenant's package does not exist for it.
	_, err = w.open(w.other, pkg.ID)
	wantCode(t, err, privet.ENOTFOUND)
	wantCode(t, w.pkgs.Delete(context.Background(), w.other, pkg.ID), privet.ENOTFOUND)

	// An empty package is a package too.
	empty := w.save(t, nil, time.Hour)
	if got, err := w.open(w.tenant, empty.ID); err != nil || len(got) != 0 {
		t.Fatalf("empty package: %v, %d bytes", err, len(got))
	}

	if err := w.pkgs.Delete(context.Background(), w.tenant, pkg.ID); err != nil {
		t.Fatal(err)
	}
	_, err = w.open(w.tenant, pkg.ID)
	wantCode(t, err, privet.ENOTFOUND)
}

func testTampered(t *testing.T, w *world) {
	data := payload(2*export.ChunkSize + 100)
	cases := []struct {
		name          string
		sqlite, pg    string
		args          func(a, b *privet.ExportPackage) []any
		wantPlaintext int // bytes written before the failure is noticed, at most
	}{
		{"flipped byte", `UPDATE export_package_chunks SET data = CAST(substr(data, 1, 1000) || X'00' || substr(data, 1002) AS BLOB) WHERE tenant_id = ? AND package_id = ? AND n = 1`,
			`UPDATE export_package_chunks SET data = overlay(data placing '\x00'::bytea from 1001 for 1) WHERE tenant_id = $1 AND package_id = $2 AND n = 1`,
			func(a, _ *privet.ExportPackage) []any { return []any{a.TenantID, a.ID} }, export.ChunkSize},
		{"missing chunk", `DELETE FROM export_package_chunks WHERE tenant_id = ? AND package_id = ? AND n = 1`,
			`DELETE FROM export_package_chunks WHERE tenant_id = $1 AND package_id = $2 AND n = 1`,
			func(a, _ *privet.ExportPackage) []any { return []any{a.TenantID, a.ID} }, export.ChunkSize},
		{"truncated", `DELETE FROM export_package_chunks WHERE tenant_id = ? AND package_id = ? AND n = 2`,
			`DELETE FROM export_package_chunks WHERE tenant_id = $1 AND package_id = $2 AND n = 2`,
			func(a, _ *privet.ExportPackage) []any { return []any{a.TenantID, a.ID} }, 2 * export.ChunkSize},
		{"chunk from another package", `UPDATE export_package_chunks SET data = (SELECT data FROM export_package_chunks WHERE package_id = ? AND n = 0) WHERE tenant_id = ? AND package_id = ? AND n = 0`,
			`UPDATE export_package_chunks SET data = (SELECT data FROM export_package_chunks WHERE package_id = $1 AND n = 0) WHERE tenant_id = $2 AND package_id = $3 AND n = 0`,
			func(a, b *privet.ExportPackage) []any { return []any{b.ID, a.TenantID, a.ID} }, 0},
		{"key from another package", `UPDATE export_packages SET wrapped_key = (SELECT wrapped_key FROM export_packages WHERE id = ?) WHERE tenant_id = ? AND id = ?`,
			`UPDATE export_packages SET wrapped_key = (SELECT wrapped_key FROM export_packages WHERE id = $1) WHERE tenant_id = $2 AND id = $3`,
			func(a, b *privet.ExportPackage) []any { return []any{b.ID, a.TenantID, a.ID} }, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := w.save(t, data, time.Hour), w.save(t, data, time.Hour)
			w.execSQL(t, c.sqlite, c.pg, c.args(a, b)...)
			got, err := w.open(w.tenant, a.ID)
			wantCode(t, err, privet.EINTEGRITY)
			if len(got) > c.wantPlaintext || !bytes.Equal(got, data[:len(got)]) {
				t.Fatalf("%d bytes written before the failure, want at most %d authentic ones", len(got), c.wantPlaintext)
			}
			// The untouched package still opens.
			if got, err := w.open(w.tenant, b.ID); err != nil || !bytes.Equal(got, data) {
				t.Fatalf("the other package: %v", err)
			}
		})
	}
}

func testExpired(t *testing.T, w *world) {
	ctx := context.Background()
	short := w.save(t, payload(100), time.Hour)
	long := w.save(t, payload(100), 48*time.Hour)
	w.clock.Advance(time.Hour)
	_, err := w.open(w.tenant, short.ID)
	wantCode(t, err, privet.EFORBIDDEN)
	if !errors.Is(err, export.ErrExpired) {
		t.Fatalf("expired: %v", err)
	}
	if _, err := w.open(w.tenant, long.ID); err != nil {
		t.Fatalf("unexpired package: %v", err)
	}

	n, err := w.pkgs.DeleteExpired(ctx, w.clock.Now())
	if err != nil || n != 1 {
		t.Fatalf("DeleteExpired = %d, %v; want 1", n, err)
	}
	_, err = w.open(w.tenant, short.ID)
	wantCode(t, err, privet.ENOTFOUND)
	if _, err := w.open(w.tenant, long.ID); err != nil {
		t.Fatalf("unexpired package after the sweep: %v", err)
	}
	if n, err := w.pkgs.DeleteExpired(ctx, w.clock.Now()); err != nil || n != 0 {
		t.Fatalf("second sweep = %d, %v; want 0", n, err)
	}
}

func testCrashSafety(t *testing.T, w *world) {
	ctx := context.Background()
	boom := errors.New("boom")
	var during []*privet.ExportPackage
	_, err := w.pkgs.Save(ctx, w.tenant, export.PackageMeta{SubjectID: w.subject, ExpiresAt: t0.Add(time.Hour)}, func(out io.Writer) error {
		if _, err := out.Write(payload(2*export.ChunkSize + 5)); err != nil {
			return err
		}
		// Two chunks are stored by now; the package must not be readable.
		err := w.store.View(ctx, func(tx privet.Tx) error {
			var err error
			during, err = tx.ExpiredPackages(ctx, t0.Add(1000*time.Hour), 10)
			return err
		})
		if err != nil {
			return err
		}
		if len(during) != 1 {
			t.Errorf("%d packages being written, want 1", len(during))
			return boom
		}
		if n := len(w.chunks2(t, during[0])); n != 2 {
			t.Errorf("%d chunks stored midway, want 2", n)
		}
		_, err = w.open(w.tenant, during[0].ID)
		wantCode(t, err, privet.ENOTFOUND)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Save = %v, want the write's error", err)
	}
	if len(during) != 1 {
		t.FailNow()
	}
	// Nothing is left: no package, no chunk.
	err = w.store.View(ctx, func(tx privet.Tx) error {
		left, err := tx.ExpiredPackages(ctx, t0.Add(1000*time.Hour), 10)
		if len(left) != 0 {
			t.Errorf("%d packages left after a failed write", len(left))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(w.chunks2(t, during[0])); n != 0 {
		t.Fatalf("%d chunks left after a failed write", n)
	}

	// A crash (no clean-up at all) leaves an invisible package that the
	// expiry sweep removes.
	crashed := &privet.ExportPackage{TenantID: w.tenant, ID: privet.NewID(privet.PrefixPackage), SubjectID: w.subject,
		CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), WrappedKey: []byte("k")}
	err = w.store.Update(ctx, func(tx privet.Tx) error {
		if err := tx.CreatePackage(ctx, crashed); err != nil {
			return err
		}
		return tx.PutPackageChunk(ctx, w.tenant, crashed.ID, 0, []byte("half"))
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.open(w.tenant, crashed.ID)
	wantCode(t, err, privet.ENOTFOUND)
	if n, err := w.pkgs.DeleteExpired(ctx, t0.Add(2*time.Hour)); err != nil || n != 1 {
		t.Fatalf("sweep after a crash = %d, %v; want 1", n, err)
	}
	if n := len(w.chunks2(t, crashed)); n != 0 {
		t.Fatalf("%d chunks left after the sweep", n)
	}
}

// chunks2 counts a package's chunks whether or not it is ready, straight
// from the database.
func (w *world) chunks2(t *testing.T, p *privet.ExportPackage) []int {
	t.Helper()
	var ns []int
	switch s := w.store.(type) {
	case interface{ DB() *sql.DB }:
		rows, err := s.DB().Query(`SELECT n FROM export_package_chunks WHERE tenant_id = ? AND package_id = ?`, p.TenantID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var n int
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			ns = append(ns, n)
		}
	case interface{ Pool() *pgxpool.Pool }:
		rows, err := s.Pool().Query(context.Background(), `SELECT n FROM export_package_chunks WHERE tenant_id = $1 AND package_id = $2`, p.TenantID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var n int
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			ns = append(ns, n)
		}
	}
	return ns
}

func testValidation(t *testing.T, w *world) {
	ctx := context.Background()
	nop := func(io.Writer) error { return nil }
	for name, c := range map[string]struct {
		meta  export.PackageMeta
		code  string
		field string
	}{
		"no subject":      {export.PackageMeta{ExpiresAt: t0.Add(time.Hour)}, privet.EINVALID, "subject_id"},
		"expiry now":      {export.PackageMeta{SubjectID: w.subject, ExpiresAt: t0}, privet.EINVALID, "expires_at"},
		"unknown subject": {export.PackageMeta{SubjectID: "sub_nobody", ExpiresAt: t0.Add(time.Hour)}, privet.ENOTFOUND, ""},
	} {
		_, err := w.pkgs.Save(ctx, w.tenant, c.meta, nop)
		if privet.ErrorCode(err) != c.code || privet.ErrorField(err) != c.field {
			t.Errorf("%s: %v, want %s on %q", name, err, c.code, c.field)
		}
	}
	// Another tenant's subject is unknown to this tenant.
	_, err := w.pkgs.Save(ctx, w.other, export.PackageMeta{SubjectID: w.subject, ExpiresAt: t0.Add(time.Hour)}, nop)
	wantCode(t, err, privet.ENOTFOUND)
}
