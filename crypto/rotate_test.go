package crypto_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
)

func TestRotateKeepsOldKeysAndRewraps(t *testing.T) {
	m, path := newMaster(t)
	oldID := m.PrimaryKeyID()
	key, wrapped, wrappedID, _ := m.NewDataKey("t", "s")
	aad := crypto.FieldAAD("t", "s", "f")
	ct, _ := key.Seal([]byte("value"), aad)
	sk, _, _ := m.NewSigningKey("t")

	newID, err := m.Rotate(path)
	if err != nil {
		t.Fatal(err)
	}
	if newID == oldID || m.PrimaryKeyID() != newID || wrappedID != oldID {
		t.Fatalf("ids: old %d, new %d, primary %d, wrapped %d", oldID, newID, m.PrimaryKeyID(), wrappedID)
	}
	if ids := m.KeyIDs(); !slices.Contains(ids, oldID) || !slices.Contains(ids, newID) {
		t.Fatalf("KeyIDs = %v, want both %d and %d", ids, oldID, newID)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("rotated file mode %#o", info.Mode().Perm())
	}

	// Reopen from disk: the rotation must have been persisted.
	for name, mm := range map[string]*crypto.Master{"in memory": m, "reopened": mustOpen(t, path)} {
		t.Run(name, func(t *testing.T) {
			if mm.PrimaryKeyID() != newID {
				t.Fatalf("primary = %d, want %d", mm.PrimaryKeyID(), newID)
			}
			k, err := mm.OpenDataKey("t", "s", wrapped)
			if err != nil {
				t.Fatalf("key wrapped before rotation: %v", err)
			}
			if pt, err := k.Open(ct, aad); err != nil || string(pt) != "value" {
				t.Fatalf("Open = %q, %v", pt, err)
			}
			rewrapped, id, err := mm.Rewrap("t", "s", wrapped)
			if err != nil || id != newID || crypto.WrappedKeyID(rewrapped) != newID {
				t.Fatalf("Rewrap id = %d (prefix %d), err %v; want %d", id, crypto.WrappedKeyID(rewrapped), err, newID)
			}
			k2, err := mm.OpenDataKey("t", "s", rewrapped)
			if err != nil {
				t.Fatal(err)
			}
			if pt, err := k2.Open(ct, aad); err != nil || string(pt) != "value" {
				t.Fatalf("after rewrap Open = %q, %v", pt, err)
			}
			if _, _, err := mm.Rewrap("t", "other", wrapped); privet.ErrorCode(err) != privet.EINTEGRITY {
				t.Fatalf("Rewrap as other subject: %v", err)
			}
			rs, id, err := mm.RewrapSigningKey("t", sk)
			if err != nil || id != newID {
				t.Fatalf("RewrapSigningKey: %d, %v", id, err)
			}
			if _, err := mm.Signer("t", rs); err != nil {
				t.Fatal(err)
			}
		})
	}
	_, w2, id2, _ := m.NewDataKey("t", "s2")
	if id2 != newID || crypto.WrappedKeyID(w2) != newID {
		t.Fatalf("new key wrapped by %d, want %d", id2, newID)
	}
}

func TestRotateDoesNotChangeBlindIndex(t *testing.T) {
	m, path := newMaster(t)
	before := m.BlindIndex("t", "email", "a@example.com")
	link := m.DeriveKey("links")
	if _, err := m.Rotate(path); err != nil {
		t.Fatal(err)
	}
	if string(before) != string(m.BlindIndex("t", "email", "a@example.com")) {
		t.Fatal("rotation changed the blind index")
	}
	if string(link) != string(m.DeriveKey("links")) {
		t.Fatal("rotation changed a derived key")
	}
}

func TestRotateFailureLeavesMasterUnchanged(t *testing.T) {
	m, _ := newMaster(t)
	old := m.PrimaryKeyID()
	if _, err := m.Rotate("/nonexistent-dir/master.json"); err == nil {
		t.Fatal("Rotate to an unwritable path succeeded")
	}
	if m.PrimaryKeyID() != old {
		t.Fatal("failed rotation changed the primary key")
	}
}

func TestWrappedKeyID(t *testing.T) {
	tests := []struct {
		in   []byte
		want uint32
	}{
		{nil, 0},
		{[]byte{1, 0, 0, 1}, 0},
		{[]byte{0, 0, 0, 0, 7, 9}, 0},
		{[]byte{1, 0x12, 0x34, 0x56, 0x78, 9}, 0x12345678},
	}
	for _, tt := range tests {
		if got := crypto.WrappedKeyID(tt.in); got != tt.want {
			t.Errorf("WrappedKeyID(%x) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func mustOpen(t *testing.T, path string) *crypto.Master {
	t.Helper()
	m, err := crypto.OpenMasterFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestReloadPicksUpARotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.json")
	if err := crypto.CreateMasterFile(path); err != nil {
		t.Fatal(err)
	}
	server := mustOpen(t, path) // a running server
	cli := mustOpen(t, path)    // `privet keys rotate` in another process
	_, wrapped, _, err := server.NewDataKey("ten_a", "sub_a")
	if err != nil {
		t.Fatal(err)
	}
	newID, err := cli.Rotate(path)
	if err != nil {
		t.Fatal(err)
	}
	rewrapped, id, err := cli.Rewrap("ten_a", "sub_a", wrapped)
	if err != nil || id != newID {
		t.Fatalf("rewrap: %v (id %d, want %d)", err, id, newID)
	}
	if _, err := server.OpenDataKey("ten_a", "sub_a", rewrapped); err == nil {
		t.Fatal("a server without the new version opened a key wrapped by it")
	}
	if err := server.Reload(path); err != nil {
		t.Fatal(err)
	}
	if server.PrimaryKeyID() != newID {
		t.Fatalf("primary after reload = %d, want %d", server.PrimaryKeyID(), newID)
	}
	if _, err := server.OpenDataKey("ten_a", "sub_a", rewrapped); err != nil {
		t.Fatalf("open after reload: %v", err)
	}
	// A different installation's key file is refused: its index key differs.
	other := filepath.Join(t.TempDir(), "other.json")
	if err := crypto.CreateMasterFile(other); err != nil {
		t.Fatal(err)
	}
	if err := server.Reload(other); err == nil {
		t.Fatal("reloaded a foreign master key file")
	}
}
