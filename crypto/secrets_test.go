package crypto_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
	"golang.org/x/crypto/argon2"
)

func TestNewAPIKey(t *testing.T) {
	secret, hash := crypto.NewAPIKey()
	raw, ok := strings.CutPrefix(secret, "pk_")
	if !ok {
		t.Fatalf("secret lacks pk_ prefix")
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(raw)
	if err != nil || len(b) != 32 {
		t.Fatalf("secret body is %d bytes (%v), want 32 base64url bytes", len(b), err)
	}
	sum := sha256.Sum256([]byte(secret))
	if !bytes.Equal(hash, sum[:]) || !bytes.Equal(crypto.HashAPIKey(secret), hash) {
		t.Fatal("hash is not SHA-256 of the secret")
	}
	other, _ := crypto.NewAPIKey()
	if other == secret {
		t.Fatal("two API keys are equal")
	}
}

func TestPassword(t *testing.T) {
	t.Parallel() // argon2id at 64 MiB is slow under the race detector
	enc, err := crypto.HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("encoded hash %q is not the expected PHC format", enc)
	}
	if strings.Contains(enc, "correct") {
		t.Fatal("hash contains the password")
	}
	enc2, _ := crypto.HashPassword("correct horse battery staple")
	if enc == enc2 {
		t.Fatal("same password hashed twice gave the same string (salt not random)")
	}
	// Each check at the production cost is slow, so only the pair that
	// matters runs at it; the table below uses cheap parameters.
	if ok, err := crypto.CheckPassword(enc, "correct horse battery staple"); err != nil || !ok {
		t.Fatalf("CheckPassword(right) = %v, %v", ok, err)
	}
	if ok, err := crypto.CheckPassword(enc, "correct horse battery stapl"); err != nil || ok {
		t.Fatalf("CheckPassword(wrong) = %v, %v", ok, err)
	}

	// A hash made with other parameters still verifies: they come from the string.
	salt := []byte("somesalt")
	key := argon2.IDKey([]byte("password"), salt, 2, 16, 1, 32)
	b64 := base64.RawStdEncoding
	cheap := "$argon2id$v=19$m=16,t=2,p=1$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)
	tests := []struct {
		pw   string
		want bool
	}{
		{"password", true},
		{"Password", false},
		{"passwor", false},
		{"password ", false},
		{"", false},
	}
	for _, tt := range tests {
		got, err := crypto.CheckPassword(cheap, tt.pw)
		if err != nil || got != tt.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tt.pw, got, err, tt.want)
		}
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	for _, enc := range []string{
		"",
		"plain",
		"$argon2i$v=19$m=65536,t=3,p=2$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=16$m=65536,t=3,p=2$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=99999999,t=3,p=2$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$t=3,m=65536,p=2$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=65536,t=0,p=2$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=65536,t=3,p=2$c29tZXNhbHQ=$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=65536,t=3,p=2$c29tZXNhbHQ$short",
		"$argon2id$v=19$m=65536,t=3,p=2$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc$",
	} {
		ok, err := crypto.CheckPassword(enc, "password")
		if ok || privet.ErrorCode(err) != privet.EINVALID {
			t.Errorf("CheckPassword(%q) = %v, %v; want EINVALID", enc, ok, err)
		}
	}
}

func FuzzParsePHC(f *testing.F) {
	f.Add("$argon2id$v=19$m=65536,t=3,p=2$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")
	f.Add("$argon2id$v=19$m=0,t=0,p=0$$")
	f.Fuzz(func(t *testing.T, s string) {
		_ = crypto.ParsePHCForTest(s) // must not panic
	})
}

func TestOTP(t *testing.T) {
	for _, digits := range []int{4, 6, 8, 12} {
		code, hash := crypto.NewOTP(digits)
		if len(code) != digits || strings.Trim(code, "0123456789") != "" {
			t.Fatalf("NewOTP(%d) code %q", digits, code)
		}
		if strings.Contains(string(hash), code) {
			t.Fatal("stored hash contains the code")
		}
		if !crypto.CheckOTP(hash, code) {
			t.Fatalf("CheckOTP rejects its own code")
		}
		wrong := []byte(code)
		wrong[0] = '0' + (wrong[0]-'0'+1)%10
		for _, c := range []string{string(wrong), code[1:], code + "0", ""} {
			if crypto.CheckOTP(hash, c) {
				t.Errorf("CheckOTP accepted %q for %q", c, code)
			}
		}
		if crypto.CheckOTP(hash[1:], code) || crypto.CheckOTP(nil, code) {
			t.Error("CheckOTP accepted a malformed hash")
		}
	}
	_, h1 := crypto.NewOTP(6)
	_, h2 := crypto.NewOTP(6)
	if bytes.Equal(h1[:16], h2[:16]) {
		t.Error("two codes share a salt")
	}
}

// TestOTPUniformity is a sanity check, not a proof: over many 4-digit codes
// every leading digit and every last digit appears near 10% of the time. A
// biased generator (e.g. modulo on a byte) would skew these by far more than
// the tolerance, which is about 7 standard deviations.
func TestOTPUniformity(t *testing.T) {
	const n = 20000
	var first, last [10]int
	for range n {
		code, _ := crypto.NewOTP(4)
		first[code[0]-'0']++
		last[code[3]-'0']++
	}
	for d := range 10 {
		for name, counts := range map[string][10]int{"first": first, "last": last} {
			if c := counts[d]; c < n/10-300 || c > n/10+300 {
				t.Errorf("%s digit %d appeared %d times of %d", name, d, c, n)
			}
		}
	}
}

func TestNewOTPPanicsOnBadDigits(t *testing.T) {
	for _, d := range []int{0, 3, 13} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewOTP(%d) did not panic", d)
				}
			}()
			crypto.NewOTP(d)
		}()
	}
}

func TestRandomTokenAndMAC(t *testing.T) {
	tok := crypto.RandomToken(24)
	if b, err := base64.RawURLEncoding.Strict().DecodeString(tok); err != nil || len(b) != 24 {
		t.Fatalf("RandomToken(24) = %q", tok)
	}
	if tok == crypto.RandomToken(24) {
		t.Fatal("two random tokens are equal")
	}
	key := []byte("k")
	mac := crypto.MAC(key, []byte("link"))
	if !crypto.EqualMAC(mac, crypto.MAC(key, []byte("link"))) {
		t.Fatal("MAC not deterministic")
	}
	for _, other := range [][]byte{crypto.MAC(key, []byte("linl")), crypto.MAC([]byte("j"), []byte("link")), mac[:31], nil} {
		if crypto.EqualMAC(mac, other) {
			t.Errorf("EqualMAC accepted %x", other)
		}
	}
}
