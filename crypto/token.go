package crypto

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// RandomToken returns nbytes random bytes as base64url without padding, for
// unguessable references (verification links, session ids, nonces).
func RandomToken(nbytes int) string {
	return base64.RawURLEncoding.EncodeToString(randomBytes(nbytes))
}

// MAC returns HMAC-SHA256(key, msg), e.g. to sign a link with a key from
// Master.DeriveKey.
func MAC(key, msg []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(msg)
	return h.Sum(nil)
}

// EqualMAC compares two MACs in constant time, so a forger learns nothing
// from how long a rejection takes.
func EqualMAC(a, b []byte) bool {
	return hmac.Equal(a, b)
}
