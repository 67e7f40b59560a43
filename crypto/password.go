package crypto

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/privet-dev/privet"
	"golang.org/x/crypto/argon2"
)

// Argon2id parameters for new hashes (RFC 9106's second recommended option,
// with 2 lanes): 64 MiB of memory makes each guess costly on GPUs.
const (
	argonMemoryKiB = 64 * 1024
	argonTime      = 3
	argonThreads   = 2
	argonSaltLen   = 16
	argonKeyLen    = 32
)

// Bounds on parameters read from a stored hash, so a tampered or hostile
// hash cannot make a login allocate gigabytes or spin for minutes.
const (
	maxArgonMemoryKiB = 1 << 20 // 1 GiB
	maxArgonTime      = 16
	maxArgonThreads   = 16
	maxPasswordLen    = 1024
)

var phcB64 = base64.RawStdEncoding.Strict()

// HashPassword hashes a human password with argon2id and a random salt, in
// the PHC string format: $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>.
func HashPassword(pw string) (string, error) {
	if len(pw) > maxPasswordLen {
		return "", privet.FieldError("password", "password is longer than %d bytes", maxPasswordLen)
	}
	salt := randomBytes(argonSaltLen)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		argonMemoryKiB, argonTime, argonThreads, phcB64.EncodeToString(salt), phcB64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches an encoded hash from HashPassword.
// The parameters come from the hash, so hashes made with older parameters
// still verify after the defaults change. A wrong password is (false, nil);
// a malformed hash is an error.
func CheckPassword(encoded, pw string) (bool, error) {
	p, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	if len(pw) > maxPasswordLen {
		return false, nil
	}
	key := argon2.IDKey([]byte(pw), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

type phcHash struct {
	memory  uint32
	time    uint32
	threads uint8
	salt    []byte
	key     []byte
}

// parsePHC parses "$argon2id$v=19$m=…,t=…,p=…$salt$hash" strictly: only
// argon2id, only version 19, parameters in that order and within bounds.
func parsePHC(encoded string) (phcHash, error) {
	bad := privet.Errorf(privet.EINVALID, "malformed password hash")
	fields := strings.Split(encoded, "$")
	if len(fields) != 6 || fields[0] != "" || fields[1] != "argon2id" ||
		fields[2] != "v="+strconv.Itoa(argon2.Version) {
		return phcHash{}, bad
	}
	params := strings.Split(fields[3], ",")
	if len(params) != 3 {
		return phcHash{}, bad
	}
	m, okM := phcParam(params[0], "m=", maxArgonMemoryKiB)
	t, okT := phcParam(params[1], "t=", maxArgonTime)
	p, okP := phcParam(params[2], "p=", maxArgonThreads)
	if !okM || !okT || !okP || m < 8*p {
		return phcHash{}, bad
	}
	salt, err := phcB64.DecodeString(fields[4])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return phcHash{}, bad
	}
	key, err := phcB64.DecodeString(fields[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return phcHash{}, bad
	}
	return phcHash{memory: m, time: t, threads: uint8(p), salt: salt, key: key}, nil
}

func phcParam(s, name string, limit uint32) (uint32, bool) {
	digits, ok := strings.CutPrefix(s, name)
	if !ok || digits == "" || len(digits) > 10 || (len(digits) > 1 && digits[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 32)
	if err != nil || n == 0 || n > uint64(limit) {
		return 0, false
	}
	return uint32(n), true
}
