package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/privet-dev/privet"
)

func newPackage(tenantID, subjectID string, expires time.Time) *privet.ExportPackage {
	return &privet.ExportPackage{
		TenantID: tenantID, ID: privet.NewID(privet.PrefixPackage), SubjectID: subjectID, RequestID: "req_1",
		CreatedAt: now(), ExpiresAt: expires, WrappedKey: randomBytes(64),
	}
}

// readChunks returns a ready package's chunks in the order the store gives them.
func readChunks(t testing.TB, st privet.Store, tenantID, id string) ([]int, [][]byte, error) {
	t.Helper()
	var ns []int
	var chunks [][]byte
	err := st.View(context.Background(), func(tx privet.Tx) error {
		return tx.PackageChunks(context.Background(), tenantID, id, func(n int, data []byte) error {
			ns = append(ns, n)
			chunks = append(chunks, bytes.Clone(data))
			return nil
		})
	})
	return ns, chunks, err
}

func testPackages(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	s := newSubject(tn.ID)
	createSubject(t, st, s)
	p := newPackage(tn.ID, s.ID, now().Add(time.Hour))
	update(t, st, func(tx privet.Tx) error { return tx.CreatePackage(ctx, p) })

	// Chunks written in separate transactions, out of order.
	want := [][]byte{randomBytes(1000), randomBytes(10), randomBytes(1 << 20)}
	for _, n := range []int{2, 0, 1} {
		update(t, st, func(tx privet.Tx) error { return tx.PutPackageChunk(ctx, tn.ID, p.ID, n, want[n]) })
	}

	// Not ready: invisible to every read.
	view(t, st, func(tx privet.Tx) error {
		_, err := tx.Package(ctx, tn.ID, p.ID)
		wantNotFound(t, err)
		_, err = tx.PackageByRequest(ctx, tn.ID, "req_1")
		wantNotFound(t, err)
		return nil
	})
	if _, _, err := readChunks(t, st, tn.ID, p.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Fatalf("chunks of a package being written: %v, want not found", err)
	}

	err := st.Update(ctx, func(tx privet.Tx) error { return tx.PutPackageChunk(ctx, tn.ID, p.ID, 1, want[1]) })
	wantCode(t, err, privet.ECONFLICT)
	err = st.Update(ctx, func(tx privet.Tx) error { return tx.PutPackageChunk(ctx, other.ID, p.ID, 3, want[1]) })
	wantNotFound(t, err)
	err = st.Update(ctx, func(tx privet.Tx) error { return tx.FinishPackage(ctx, other.ID, p.ID, 5) })
	wantNotFound(t, err)

	update(t, st, func(tx privet.Tx) error { return tx.FinishPackage(ctx, tn.ID, p.ID, 1234) })
	view(t, st, func(tx privet.Tx) error {
		got, err := tx.Package(ctx, tn.ID, p.ID)
		if err != nil {
			t.Fatalf("Package: %v", err)
		}
		if got.Size != 1234 || got.SubjectID != s.ID || got.RequestID != "req_1" || !bytes.Equal(got.WrappedKey, p.WrappedKey) ||
			!got.CreatedAt.Equal(p.CreatedAt) || !got.ExpiresAt.Equal(p.ExpiresAt) {
			t.Fatalf("Package = %+v, want %+v with size 1234", got, p)
		}
		_, err = tx.Package(ctx, other.ID, p.ID)
		wantNotFound(t, err)
		byReq, err := tx.PackageByRequest(ctx, tn.ID, "req_1")
		if err != nil || byReq.ID != p.ID {
			t.Fatalf("PackageByRequest = %+v, %v, want %s", byReq, err, p.ID)
		}
		_, err = tx.PackageByRequest(ctx, other.ID, "req_1")
		wantNotFound(t, err)
		_, err = tx.PackageByRequest(ctx, tn.ID, "req_2")
		wantNotFound(t, err)
		_, err = tx.PackageByRequest(ctx, tn.ID, "")
		wantNotFound(t, err)
		return nil
	})
	ns, chunks, err := readChunks(t, st, tn.ID, p.ID)
	if err != nil {
		t.Fatalf("PackageChunks: %v", err)
	}
	if len(ns) != 3 {
		t.Fatalf("chunk numbers %v, want 0 1 2", ns)
	}
	for i := range ns {
		if ns[i] != i || !bytes.Equal(chunks[i], want[i]) {
			t.Fatalf("chunk %d = #%d (%d bytes), want #%d (%d bytes)", i, ns[i], len(chunks[i]), i, len(want[i]))
		}
	}
	if _, _, err := readChunks(t, st, other.ID, p.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Fatalf("another tenant's chunks: %v, want not found", err)
	}

	// A ready package takes no more chunks and cannot be finished twice.
	err = st.Update(ctx, func(tx privet.Tx) error { return tx.PutPackageChunk(ctx, tn.ID, p.ID, 3, want[1]) })
	wantNotFound(t, err)
	err = st.Update(ctx, func(tx privet.Tx) error { return tx.FinishPackage(ctx, tn.ID, p.ID, 1) })
	wantNotFound(t, err)

	// fn's error stops the walk and comes back unchanged.
	calls := 0
	err = st.View(ctx, func(tx privet.Tx) error {
		return tx.PackageChunks(ctx, tn.ID, p.ID, func(int, []byte) error { calls++; return errSentinel })
	})
	if err != errSentinel || calls != 1 {
		t.Fatalf("PackageChunks with a failing fn: %v after %d calls", err, calls)
	}

	// Creation errors.
	err = st.Update(ctx, func(tx privet.Tx) error { return tx.CreatePackage(ctx, p) })
	wantCode(t, err, privet.ECONFLICT)
	err = st.Update(ctx, func(tx privet.Tx) error {
		return tx.CreatePackage(ctx, newPackage(tn.ID, "sub_unknown", now().Add(time.Hour)))
	})
	wantNotFound(t, err)
	err = st.Update(ctx, func(tx privet.Tx) error {
		return tx.CreatePackage(ctx, newPackage(other.ID, s.ID, now().Add(time.Hour)))
	})
	wantNotFound(t, err)

	// Delete: another tenant's is not found; then gone with its chunks.
	err = st.Update(ctx, func(tx privet.Tx) error { return tx.DeletePackage(ctx, other.ID, p.ID) })
	wantNotFound(t, err)
	update(t, st, func(tx privet.Tx) error { return tx.DeletePackage(ctx, tn.ID, p.ID) })
	if _, _, err := readChunks(t, st, tn.ID, p.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Fatalf("chunks of a deleted package: %v, want not found", err)
	}
	err = st.Update(ctx, func(tx privet.Tx) error { return tx.DeletePackage(ctx, tn.ID, p.ID) })
	wantNotFound(t, err)
	// The id is free again: nothing of the old package, chunks included, is left.
	update(t, st, func(tx privet.Tx) error {
		if err := tx.CreatePackage(ctx, p); err != nil {
			return err
		}
		return tx.PutPackageChunk(ctx, tn.ID, p.ID, 0, want[0])
	})
}

func testExpiredPackages(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	base := now()
	k := 0 // each package expires a minute after the one before
	for _, tn := range []*privet.Tenant{newTenant(t, st), newTenant(t, st)} {
		s := newSubject(tn.ID)
		createSubject(t, st, s)
		for _, ready := range []bool{true, false} {
			p := newPackage(tn.ID, s.ID, base.Add(time.Duration(k)*time.Minute))
			k++
			update(t, st, func(tx privet.Tx) error {
				if err := tx.CreatePackage(ctx, p); err != nil {
					return err
				}
				if ready {
					return tx.FinishPackage(ctx, tn.ID, p.ID, 0)
				}
				return nil
			})
		}
	}
	expired := func(before time.Time, limit int) []*privet.ExportPackage {
		var out []*privet.ExportPackage
		view(t, st, func(tx privet.Tx) error {
			var err error
			out, err = tx.ExpiredPackages(ctx, before, limit)
			return err
		})
		return out
	}
	if got := expired(base, 10); len(got) != 0 {
		t.Fatalf("expired before the first expiry: %d packages", len(got))
	}
	all := expired(base.Add(time.Hour), 10)
	if len(all) != 4 {
		t.Fatalf("expired packages of both tenants, ready or not: %d, want 4", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].ExpiresAt.Before(all[i-1].ExpiresAt) {
			t.Fatalf("not soonest first: %v after %v", all[i].ExpiresAt, all[i-1].ExpiresAt)
		}
	}
	if got := expired(base.Add(time.Hour), 3); len(got) != 3 || got[2].ID != all[2].ID {
		t.Fatalf("limit 3: %d packages", len(got))
	}
	// before is exclusive.
	if got := expired(all[1].ExpiresAt, 10); len(got) != 1 {
		t.Fatalf("expired strictly before the second expiry: %d, want 1", len(got))
	}
}
