package crypto_test

import (
	"bytes"
	"crypto/rand"
	"io"
	"testing"

	"github.com/privet-dev/privet"
)

func TestPackageKey(t *testing.T) {
	m, _ := newMaster(t)
	plain := make([]byte, 2<<20+123) // three segments
	_, _ = rand.Read(plain)
	k, wrapped, err := m.NewPackageKey("ten_1", "pkg_1")
	if err != nil {
		t.Fatal(err)
	}
	var ct bytes.Buffer
	w, err := k.Encrypt(&ct)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(ct.Bytes(), plain[:64]) {
		t.Fatal("ciphertext holds the plaintext")
	}

	k2, err := m.OpenPackageKey("ten_1", "pkg_1", wrapped)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(k2.Decrypt(bytes.NewReader(ct.Bytes())))
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("round trip: %v, equal %v", err, bytes.Equal(got, plain))
	}

	for name, c := range map[string]struct{ tenant, pkg string }{
		"other tenant":  {"ten_2", "pkg_1"},
		"other package": {"ten_1", "pkg_2"},
	} {
		_, err := m.OpenPackageKey(c.tenant, c.pkg, wrapped)
		if privet.ErrorCode(err) != privet.EINTEGRITY {
			t.Errorf("%s: OpenPackageKey = %v, want integrity", name, err)
		}
	}

	cases := map[string][]byte{
		"flipped bit": func() []byte { b := bytes.Clone(ct.Bytes()); b[len(b)/2] ^= 1; return b }(),
		"truncated":   ct.Bytes()[:ct.Len()-(1<<20)],
		"empty":       nil,
	}
	for name, b := range cases {
		_, err := io.ReadAll(k2.Decrypt(bytes.NewReader(b)))
		wantCode(t, err, privet.EINTEGRITY)
		_ = name
	}
}
