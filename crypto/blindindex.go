package crypto

// BlindIndexSize is the length in bytes of a blind index and of a derived key.
const BlindIndexSize = 32

// BlindIndex returns the keyed blind index of a normalized identity: an
// HMAC-SHA256 under the master index key over the length-prefixed tenant,
// identity type and value. Equal identities give equal indexes, so a subject
// is found by identity without decrypting anything; the same email in two
// tenants, or the same string as two types, gives unrelated indexes; and
// without the index key the index cannot be tested against guesses.
//
// Normalize the value first (package identity): the index matches bytes.
func (m *Master) BlindIndex(tenantID, typ, normalized string) []byte {
	return m.keyedHash(boundData(labelBlindIndex, tenantID, typ, normalized))
}

// DeriveKey returns a 32-byte key for one purpose (e.g. "signed-links"),
// derived from the master index key as HMAC-SHA256(indexKey, label ‖ purpose):
// the expand step of HKDF with the index key as the pseudorandom key. The
// domain label keeps derived keys apart from blind indexes, and each purpose
// gets an independent key. Because the index key is never rotated, derived
// keys are stable across restarts and rotations.
func (m *Master) DeriveKey(purpose string) []byte {
	return m.keyedHash(boundData(labelDerive, purpose))
}

func (m *Master) keyedHash(input []byte) []byte {
	out, err := m.index.ComputePRF(input, BlindIndexSize)
	if err != nil {
		// HMAC-SHA256 with a 32-byte output cannot fail; an error here means
		// the keyset was corrupted in memory, and continuing would index
		// identities under garbage.
		panic("crypto: blind index key failed: " + err.Error())
	}
	return out
}
