package crypto

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// APIKeyPrefix starts every API key secret, so a leaked key is recognisable
// to secret scanners and to people.
const APIKeyPrefix = "pk_"

// NewAPIKey returns a new API key secret (256 random bits) and the SHA-256
// hash to store. The secret is shown once and never stored: a fast hash is
// enough because 256 random bits cannot be guessed, unlike a password.
func NewAPIKey() (secret string, hash []byte) {
	secret = APIKeyPrefix + base64.RawURLEncoding.EncodeToString(randomBytes(32))
	return secret, HashAPIKey(secret)
}

// HashAPIKey returns the SHA-256 of an API key secret, to look it up.
func HashAPIKey(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// randomBytes reads n bytes from crypto/rand, which does not fail on the
// platforms privet supports; if it ever did, handing out a predictable secret
// would be worse than stopping.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto: crypto/rand failed: " + err.Error())
	}
	return b
}
