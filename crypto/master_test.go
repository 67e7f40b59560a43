package crypto_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
)

func TestCreateMasterFileMode(t *testing.T) {
	_, path := newMaster(t)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Fatalf("master file mode = %#o, want 0600", perm)
	}
	var f map[string]json.RawMessage
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("master file is not JSON: %v", err)
	}
	for _, k := range []string{"aead", "index"} {
		if len(f[k]) == 0 {
			t.Errorf("master file lacks %q keyset", k)
		}
	}
	if bytes.Equal(f["aead"], f["index"]) {
		t.Error("aead and index keysets are identical")
	}
}

func TestCreateMasterFileRefusesOverwrite(t *testing.T) {
	_, path := newMaster(t)
	before, _ := os.ReadFile(path)
	err := crypto.CreateMasterFile(path)
	wantCode(t, err, privet.ECONFLICT)
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("existing master file was modified")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want only the key file (temp file left behind?)", len(entries))
	}
}

func TestOpenMasterFilePermissions(t *testing.T) {
	tests := []struct {
		mode os.FileMode
		ok   bool
	}{
		{0o600, true},
		{0o400, true},
		{0o640, false},
		{0o644, false},
		{0o604, false},
		{0o660, false},
	}
	for _, tt := range tests {
		t.Run(tt.mode.String(), func(t *testing.T) {
			_, path := newMaster(t)
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, err := crypto.OpenMasterFile(path)
			if tt.ok && err != nil {
				t.Fatalf("OpenMasterFile(%v) = %v, want success", tt.mode, err)
			}
			if !tt.ok {
				wantCode(t, err, privet.EINVALID)
			}
		})
	}
}

func TestOpenMasterFileRejectsBadContent(t *testing.T) {
	_, good := newMaster(t)
	goodData, _ := os.ReadFile(good)
	var f map[string]json.RawMessage
	_ = json.Unmarshal(goodData, &f)
	swapped := map[string]json.RawMessage{"format": f["format"], "protection": f["protection"], "aead": f["index"], "index": f["aead"]}
	swappedData, _ := json.Marshal(swapped)
	tests := []struct {
		name string
		data []byte
	}{
		{"not json", []byte("not json")},
		{"empty object", []byte("{}")},
		{"keysets swapped", swappedData},
		{"kms protection claimed", bytes.Replace(goodData, []byte(`"file-permissions"`), []byte(`"kms"`), 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.json")
			if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := crypto.OpenMasterFile(path)
			wantCode(t, err, privet.EINVALID)
		})
	}
}

func TestMasterFileReopensWithSameKeys(t *testing.T) {
	m, path := newMaster(t)
	key, wrapped, _, err := m.NewDataKey("ten_a", "sub_a")
	if err != nil {
		t.Fatal(err)
	}
	ct, _ := key.Seal([]byte("v"), crypto.FieldAAD("ten_a", "sub_a", "f"))
	again, err := crypto.OpenMasterFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := again.OpenDataKey("ten_a", "sub_a", wrapped)
	if err != nil {
		t.Fatalf("reopened master cannot open data key: %v", err)
	}
	if pt, err := k2.Open(ct, crypto.FieldAAD("ten_a", "sub_a", "f")); err != nil || string(pt) != "v" {
		t.Fatalf("Open = %q, %v", pt, err)
	}
	if !bytes.Equal(m.BlindIndex("ten_a", "email", "a@b.example"), again.BlindIndex("ten_a", "email", "a@b.example")) {
		t.Fatal("blind index changed across reopen")
	}
}
