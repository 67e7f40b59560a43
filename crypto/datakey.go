package crypto

import (
	"bytes"
	"fmt"

	"github.com/privet-dev/privet"
	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// DataKey is one subject's own encryption key, opened (unwrapped) in memory.
// Every value of the subject is sealed under it, so destroying the wrapped
// key crypto-shreds every copy of the subject's data, backups included.
type DataKey struct {
	aead tink.AEAD
}

// NewDataKey creates a fresh AES-256-GCM data key for one subject and returns
// it with its wrapped form (encrypted by the master key's primary version,
// bound to tenant and subject) and the id of the master key version that
// wrapped it. Only the wrapped form may be stored.
func (m *Master) NewDataKey(tenantID, subjectID string) (*DataKey, []byte, uint32, error) {
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return nil, nil, 0, fmt.Errorf("crypto: new data key: %w", err)
	}
	a, err := aead.New(h)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("crypto: new data key: %w", err)
	}
	// The keyset is serialized in cleartext only in memory, to be encrypted
	// at once by the master key: this is the envelope.
	var buf bytes.Buffer
	if err := insecurecleartextkeyset.Write(h, keyset.NewBinaryWriter(&buf)); err != nil {
		return nil, nil, 0, fmt.Errorf("crypto: serialize data key: %w", err)
	}
	defer clear(buf.Bytes())
	wrapped, keyID, err := m.wrap(buf.Bytes(), boundData(labelDataKey, tenantID, subjectID))
	if err != nil {
		return nil, nil, 0, err
	}
	return &DataKey{aead: a}, wrapped, keyID, nil
}

// OpenDataKey unwraps a subject's data key. A wrapped key stored for another
// tenant or subject, or altered in any way, fails with EINTEGRITY.
func (m *Master) OpenDataKey(tenantID, subjectID string, wrapped []byte) (*DataKey, error) {
	serialized, err := m.unwrap(wrapped, boundData(labelDataKey, tenantID, subjectID))
	if err != nil {
		return nil, err
	}
	defer clear(serialized)
	h, err := insecurecleartextkeyset.Read(keyset.NewBinaryReader(bytes.NewReader(serialized)))
	if err != nil {
		return nil, privet.Errorf(privet.EINTEGRITY, "data key is malformed")
	}
	if err := checkKeyTypes(h, typeURLAESGCM); err != nil {
		return nil, privet.Errorf(privet.EINTEGRITY, "data key has an unexpected key type")
	}
	a, err := aead.New(h)
	if err != nil {
		return nil, privet.Errorf(privet.EINTEGRITY, "data key is unusable")
	}
	return &DataKey{aead: a}, nil
}

// Seal encrypts plaintext with a fresh random nonce, bound to aad (use
// FieldAAD). Sealing the same value twice gives different ciphertexts, so
// equal values cannot be spotted in the database.
func (k *DataKey) Seal(plaintext, aad []byte) ([]byte, error) {
	ct, err := k.aead.Encrypt(plaintext, aad)
	if err != nil {
		return nil, fmt.Errorf("crypto: seal: %w", err)
	}
	return ct, nil
}

// Open decrypts a ciphertext made by Seal with the same aad. Any change to
// the ciphertext, or a different aad (another tenant, subject or field),
// fails with EINTEGRITY and returns no data.
func (k *DataKey) Open(ciphertext, aad []byte) ([]byte, error) {
	pt, err := k.aead.Decrypt(ciphertext, aad)
	if err != nil {
		return nil, privet.Errorf(privet.EINTEGRITY, "sealed value failed authentication")
	}
	return pt, nil
}

// wrap encrypts secret under the master primary and reports which version did.
func (m *Master) wrap(secret, aad []byte) ([]byte, uint32, error) {
	m.mu.RLock()
	a, keyID := m.aead, m.aeadKS.KeysetInfo().GetPrimaryKeyId()
	m.mu.RUnlock()
	wrapped, err := a.Encrypt(secret, aad)
	if err != nil {
		return nil, 0, fmt.Errorf("crypto: wrap key: %w", err)
	}
	return wrapped, keyID, nil
}

// unwrap decrypts with whichever master version wrapped the secret.
func (m *Master) unwrap(wrapped, aad []byte) ([]byte, error) {
	m.mu.RLock()
	a := m.aead
	m.mu.RUnlock()
	secret, err := a.Decrypt(wrapped, aad)
	if err != nil {
		return nil, privet.Errorf(privet.EINTEGRITY, "wrapped key failed authentication")
	}
	return secret, nil
}
