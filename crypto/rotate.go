package crypto

import (
	"encoding/binary"
	"fmt"
	"os"

	"github.com/privet-dev/privet"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"
)

// Rotate adds a new AES-256-GCM version to the master keyset, makes it the
// primary (new wraps use it), keeps every older version for unwrapping, and
// rewrites the key file at path atomically. The in-memory keyset changes only
// once the file is safely written, so a failed rotation changes nothing.
// It returns the new primary key id. Existing wrapped keys stay valid; move
// them to the new version with Rewrap, then old versions could be retired.
//
// The blind-index key is never rotated: a new index key would orphan every
// stored index.
func (m *Master) Rotate(path string) (uint32, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mgr := keyset.NewManagerFromHandle(m.aeadKS)
	id, err := mgr.Add(aead.AES256GCMKeyTemplate())
	if err != nil {
		return 0, fmt.Errorf("crypto: rotate: %w", err)
	}
	if err := mgr.SetPrimary(id); err != nil {
		return 0, fmt.Errorf("crypto: rotate: %w", err)
	}
	h, err := mgr.Handle()
	if err != nil {
		return 0, fmt.Errorf("crypto: rotate: %w", err)
	}
	a, err := aead.New(h)
	if err != nil {
		return 0, fmt.Errorf("crypto: rotate: %w", err)
	}
	next := &Master{aeadKS: h, indexKS: m.indexKS, kek: m.kek}
	data, err := next.encode()
	if err != nil {
		return 0, err
	}
	if err := writeFileAtomic(path, data, true); err != nil {
		return 0, err
	}
	m.aeadKS, m.aead = h, a
	return id, nil
}

// PrimaryKeyID returns the id of the master key version that wraps new keys.
func (m *Master) PrimaryKeyID() uint32 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.aeadKS.KeysetInfo().GetPrimaryKeyId()
}

// KeyIDs returns the ids of every master key version, oldest first.
func (m *Master) KeyIDs() []uint32 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var ids []uint32
	for _, k := range m.aeadKS.KeysetInfo().GetKeyInfo() {
		ids = append(ids, k.GetKeyId())
	}
	return ids
}

// Rewrap re-encrypts a subject's wrapped data key under the master primary,
// whichever version wrapped it before, and returns the new wrapping with the
// primary's id. The data key itself, and so every sealed value, is unchanged.
func (m *Master) Rewrap(tenantID, subjectID string, wrapped []byte) ([]byte, uint32, error) {
	return m.rewrap(wrapped, boundData(labelDataKey, tenantID, subjectID))
}

// RewrapSigningKey does for a tenant's wrapped signing key what Rewrap does
// for a data key.
func (m *Master) RewrapSigningKey(tenantID string, wrappedPrivate []byte) ([]byte, uint32, error) {
	return m.rewrap(wrappedPrivate, boundData(labelSigningKey, tenantID))
}

func (m *Master) rewrap(wrapped, aad []byte) ([]byte, uint32, error) {
	secret, err := m.unwrap(wrapped, aad)
	if err != nil {
		return nil, 0, err
	}
	defer clear(secret)
	return m.wrap(secret, aad)
}

// WrappedKeyID returns the master key id recorded in a wrapped key's 5-byte
// Tink prefix (a version byte 0x01, then the id big-endian), or 0 when the
// bytes carry no such prefix. It lets a rotation sweep find keys still
// wrapped by an old version without unwrapping them.
func WrappedKeyID(wrapped []byte) uint32 {
	const tinkPrefixVersion = 0x01
	if len(wrapped) < 5 || wrapped[0] != tinkPrefixVersion {
		return 0
	}
	return binary.BigEndian.Uint32(wrapped[1:5])
}

// Reload re-reads the master keyset from path, so a server picks up a
// version that `privet keys rotate` added while it ran. It refuses a file
// whose blind-index key differs (that would orphan every index) or that has
// lost a version this Master holds (that would orphan wrapped keys).
func (m *Master) Reload(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return privet.Errorf(privet.EUNAVAILABLE, "cannot read the master key file")
	}
	m.mu.RLock()
	kek := m.kek
	m.mu.RUnlock()
	next, err := decodeMaster(data, kek)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if next.indexKS.KeysetInfo().GetPrimaryKeyId() != m.indexKS.KeysetInfo().GetPrimaryKeyId() {
		return privet.Errorf(privet.EINTEGRITY, "the master key file's index key differs from the one in use")
	}
	have := map[uint32]bool{}
	for _, k := range next.aeadKS.KeysetInfo().GetKeyInfo() {
		have[k.GetKeyId()] = true
	}
	for _, k := range m.aeadKS.KeysetInfo().GetKeyInfo() {
		if !have[k.GetKeyId()] {
			return privet.Errorf(privet.EINTEGRITY, "the master key file lost key version %d", k.GetKeyId())
		}
	}
	m.aeadKS, m.aead = next.aeadKS, next.aead
	return nil
}
