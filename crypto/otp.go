package crypto

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"math/big"
)

const otpSaltSize = 16

// NewOTP returns a one-time code of digits decimal digits (4 to 12) and the
// value to store for it: a random 16-byte salt followed by SHA-256(salt ‖
// code). Digits are drawn uniformly from crypto/rand (no modulo bias). The
// salt makes equal codes store differently. A short code is still guessable
// offline from its hash, so codes must expire quickly and allow few attempts;
// the hash only keeps live codes out of plain sight in the database.
//
// It panics when digits is out of range: that is a programming error.
func NewOTP(digits int) (code string, hash []byte) {
	if digits < 4 || digits > 12 {
		panic(fmt.Sprintf("crypto: NewOTP digits %d out of range 4..12", digits))
	}
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)
	n, err := rand.Int(rand.Reader, limit)
	if err != nil {
		panic("crypto: crypto/rand failed: " + err.Error())
	}
	code = fmt.Sprintf("%0*d", digits, n)
	salt := randomBytes(otpSaltSize)
	return code, append(salt, otpDigest(salt, code)...)
}

// CheckOTP reports whether code matches the stored hash from NewOTP. The
// comparison is constant-time.
func CheckOTP(hash []byte, code string) bool {
	if len(hash) != otpSaltSize+sha256.Size {
		return false
	}
	salt, want := hash[:otpSaltSize], hash[otpSaltSize:]
	return subtle.ConstantTimeCompare(otpDigest(salt, code), want) == 1
}

func otpDigest(salt []byte, code string) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(code))
	return h.Sum(nil)
}
