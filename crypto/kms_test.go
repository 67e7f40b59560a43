package crypto_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
	"github.com/tink-crypto/tink-go/v2/testing/fakekms"
)

func TestMasterEncryptedByKEK(t *testing.T) {
	uri, err := fakekms.NewKeyURI()
	if err != nil {
		t.Fatal(err)
	}
	kek, err := fakekms.NewAEAD(uri)
	if err != nil {
		t.Fatal(err)
	}
	otherURI, _ := fakekms.NewKeyURI()
	otherKEK, _ := fakekms.NewAEAD(otherURI)

	path := filepath.Join(t.TempDir(), "master.json")
	if err := crypto.CreateMasterEncrypted(path, kek); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "encryptedKeyset") || strings.Contains(string(data), "keyMaterialType") {
		t.Fatalf("KMS-protected file holds cleartext keys:\n%s", data)
	}
	m, err := crypto.OpenMasterEncrypted(path, kek)
	if err != nil {
		t.Fatal(err)
	}
	_, wrapped, _, _ := m.NewDataKey("t", "s")
	if _, err := m.Rotate(path); err != nil {
		t.Fatal(err)
	}
	again, err := crypto.OpenMasterEncrypted(path, kek)
	if err != nil {
		t.Fatalf("reopen after rotation: %v", err)
	}
	if _, err := again.OpenDataKey("t", "s", wrapped); err != nil {
		t.Fatalf("old data key after rotation: %v", err)
	}
	if _, err := crypto.OpenMasterEncrypted(path, otherKEK); privet.ErrorCode(err) != privet.EINTEGRITY {
		t.Fatalf("open with another KEK: %v", err)
	}
	if _, err := crypto.OpenMasterFile(path); privet.ErrorCode(err) != privet.EINVALID {
		t.Fatalf("open KMS file as local file: %v", err)
	}
}

func TestOpenMasterKMSUnknownScheme(t *testing.T) {
	for _, uri := range []string{"fake-kms://x", "file:///k", ""} {
		_, err := crypto.OpenMasterKMS(context.Background(), uri, filepath.Join(t.TempDir(), "m.json"))
		wantCode(t, err, privet.EINVALID)
	}
}
