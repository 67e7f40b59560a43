package crypto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/privet-dev/privet"
	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/prf"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// Master holds the root keys of an installation: an AES-256-GCM keyset that
// wraps data keys and signing keys (every version kept, so anything wrapped
// before a rotation still opens), and a separate HMAC-SHA256 key for the
// blind index. The two are separate keysets so the index key never encrypts
// and the encryption keys never hash: rotating one cannot disturb the other.
//
// A Master is safe for concurrent use.
type Master struct {
	mu      sync.RWMutex
	aeadKS  *keyset.Handle
	aead    tink.AEAD
	indexKS *keyset.Handle
	index   prf.PRF
	// kek encrypts the keysets in the file when a KMS protects them; nil when
	// the file is cleartext and file permissions are the protection.
	kek tink.AEAD
}

// The on-disk format: one JSON object holding the two keysets.
const (
	masterFormat       = "privet-master/v1"
	protectionFileMode = "file-permissions"
	protectionKMS      = "kms"
)

type masterFile struct {
	Format     string          `json:"format"`
	Protection string          `json:"protection"`
	AEAD       json.RawMessage `json:"aead"`
	Index      json.RawMessage `json:"index"`
}

// Tink type URLs the master keysets may hold; anything else is refused so a
// tampered file cannot swap in a weaker primitive.
const (
	typeURLAESGCM  = "type.googleapis.com/google.crypto.tink.AesGcmKey"
	typeURLHMACPRF = "type.googleapis.com/google.crypto.tink.HmacPrfKey"
)

// CreateMasterFile writes a new master keyset to path with 0600 permissions.
// It refuses to overwrite an existing file: losing a master key loses every
// subject's data.
//
// The keysets are stored as cleartext JSON. That is deliberate for the local
// mode: this file IS the root of trust, and there is nothing further to
// encrypt it with; the operating system's file permissions protect it. A
// production deployment should keep the keysets encrypted by a KMS instead
// (CreateMasterKMS / OpenMasterKMS).
func CreateMasterFile(path string) error {
	m, err := newMaster(nil)
	if err != nil {
		return err
	}
	data, err := m.encode()
	if err != nil {
		return err
	}
	return writeFileAtomic(path, data, false)
}

// OpenMasterFile reads a cleartext master keyset written by CreateMasterFile.
// It refuses a file that its group or others may read or write: a master key
// readable by another account is a master key disclosed.
func OpenMasterFile(path string) (*Master, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("crypto: master key file: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, privet.Errorf(privet.EINVALID, "master key file %s is not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, privet.Errorf(privet.EINVALID,
			"master key file %s has permissions %#o; it must not be accessible to group or others (chmod 600 it)", path, perm)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("crypto: master key file: %w", err)
	}
	return decodeMaster(data, nil)
}

// newMaster generates fresh keysets. kek, when set, will encrypt them on disk.
func newMaster(kek tink.AEAD) (*Master, error) {
	aeadKS, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return nil, fmt.Errorf("crypto: new master aead keyset: %w", err)
	}
	indexKS, err := keyset.NewHandle(prf.HMACSHA256PRFKeyTemplate())
	if err != nil {
		return nil, fmt.Errorf("crypto: new master index keyset: %w", err)
	}
	return assembleMaster(aeadKS, indexKS, kek)
}

func assembleMaster(aeadKS, indexKS *keyset.Handle, kek tink.AEAD) (*Master, error) {
	if err := checkKeyTypes(aeadKS, typeURLAESGCM); err != nil {
		return nil, err
	}
	if err := checkKeyTypes(indexKS, typeURLHMACPRF); err != nil {
		return nil, err
	}
	a, err := aead.New(aeadKS)
	if err != nil {
		return nil, privet.Errorf(privet.EINVALID, "master aead keyset is unusable")
	}
	set, err := prf.NewPRFSet(indexKS)
	if err != nil {
		return nil, privet.Errorf(privet.EINVALID, "master index keyset is unusable")
	}
	index, ok := set.PRFs[set.PrimaryID]
	if !ok {
		return nil, privet.Errorf(privet.EINVALID, "master index keyset has no primary key")
	}
	return &Master{aeadKS: aeadKS, aead: a, indexKS: indexKS, index: index, kek: kek}, nil
}

func checkKeyTypes(h *keyset.Handle, typeURL string) error {
	for _, k := range h.KeysetInfo().GetKeyInfo() {
		if k.GetTypeUrl() != typeURL {
			return privet.Errorf(privet.EINVALID, "master keyset holds an unexpected key type")
		}
	}
	return nil
}

// encode serializes both keysets, encrypting them under the KEK when there is one.
func (m *Master) encode() ([]byte, error) {
	f := masterFile{Format: masterFormat, Protection: protectionFileMode}
	if m.kek != nil {
		f.Protection = protectionKMS
	}
	var err error
	if f.AEAD, err = m.encodeKeyset(m.aeadKS, labelMasterAEAD); err != nil {
		return nil, err
	}
	if f.Index, err = m.encodeKeyset(m.indexKS, labelMasterIdx); err != nil {
		return nil, err
	}
	return json.MarshalIndent(f, "", "  ")
}

func (m *Master) encodeKeyset(h *keyset.Handle, label string) ([]byte, error) {
	var buf bytes.Buffer
	w := keyset.NewJSONWriter(&buf)
	if m.kek == nil {
		if err := insecurecleartextkeyset.Write(h, w); err != nil {
			return nil, fmt.Errorf("crypto: write master keyset: %w", err)
		}
		return buf.Bytes(), nil
	}
	// The label as associated data stops the two encrypted keysets from being
	// swapped in the file.
	if err := h.WriteWithAssociatedData(w, m.kek, []byte(label)); err != nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "cannot encrypt master keyset with the KMS key")
	}
	return buf.Bytes(), nil
}

func decodeMaster(data []byte, kek tink.AEAD) (*Master, error) {
	var f masterFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, privet.Errorf(privet.EINVALID, "master key file is not valid JSON")
	}
	if f.Format != masterFormat {
		return nil, privet.Errorf(privet.EINVALID, "master key file has unknown format %q", f.Format)
	}
	switch {
	case kek == nil && f.Protection != protectionFileMode:
		return nil, privet.Errorf(privet.EINVALID, "master key file is KMS-protected; open it with its KMS key URI")
	case kek != nil && f.Protection != protectionKMS:
		return nil, privet.Errorf(privet.EINVALID, "master key file is not KMS-protected; open it as a local key file")
	}
	aeadKS, err := decodeKeyset(f.AEAD, kek, labelMasterAEAD)
	if err != nil {
		return nil, err
	}
	indexKS, err := decodeKeyset(f.Index, kek, labelMasterIdx)
	if err != nil {
		return nil, err
	}
	return assembleMaster(aeadKS, indexKS, kek)
}

func decodeKeyset(data []byte, kek tink.AEAD, label string) (*keyset.Handle, error) {
	if len(data) == 0 {
		return nil, privet.Errorf(privet.EINVALID, "master key file lacks a keyset")
	}
	r := keyset.NewJSONReader(bytes.NewReader(data))
	if kek == nil {
		h, err := insecurecleartextkeyset.Read(r)
		if err != nil {
			return nil, privet.Errorf(privet.EINVALID, "master key file holds an unreadable keyset")
		}
		return h, nil
	}
	h, err := keyset.ReadWithAssociatedData(r, kek, []byte(label))
	if err != nil {
		return nil, privet.Errorf(privet.EINTEGRITY, "master keyset does not decrypt with the KMS key")
	}
	return h, nil
}

// writeFileAtomic writes data to path with 0600 permissions so that a crash
// leaves either the old file or the new one, never a torn one: it writes a
// temporary file in the same directory, syncs it, and then renames it over
// path, or, when overwrite is false, hard-links it to path, which fails if
// path exists (no window in which a second writer could slip in).
func writeFileAtomic(path string, data []byte, overwrite bool) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".privet-master-*")
	if err != nil {
		return fmt.Errorf("crypto: write master key file: %w", err)
	}
	tmpName := tmp.Name()
	defer func() {
		_ = os.Remove(tmpName) // after rename or link it is gone or a spare name
	}()
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("crypto: write master key file: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("crypto: write master key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("crypto: write master key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("crypto: write master key file: %w", err)
	}
	if overwrite {
		err = os.Rename(tmpName, path)
	} else {
		err = os.Link(tmpName, path)
		if errors.Is(err, fs.ErrExist) {
			return privet.Errorf(privet.ECONFLICT, "master key file %s already exists; refusing to overwrite it", path)
		}
	}
	if err != nil {
		return fmt.Errorf("crypto: write master key file: %w", err)
	}
	return syncDir(dir)
}

// syncDir makes the rename or link itself durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("crypto: sync key directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("crypto: sync key directory: %w", err)
	}
	return nil
}
