package crypto_test

import (
	"bytes"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
)

func TestSealOpenRoundTrip(t *testing.T) {
	m, _ := newMaster(t)
	key, wrapped, keyID, err := m.NewDataKey("ten_1", "sub_1")
	if err != nil {
		t.Fatal(err)
	}
	if keyID != m.PrimaryKeyID() || crypto.WrappedKeyID(wrapped) != keyID {
		t.Fatalf("key id = %d, wrapped id = %d, primary = %d", keyID, crypto.WrappedKeyID(wrapped), m.PrimaryKeyID())
	}
	for _, pt := range [][]byte{{}, []byte("alice@example.com"), bytes.Repeat([]byte{0xff}, 10000)} {
		aad := crypto.FieldAAD("ten_1", "sub_1", "email")
		ct, err := key.Seal(pt, aad)
		if err != nil {
			t.Fatal(err)
		}
		if len(pt) > 4 && bytes.Contains(ct, pt) {
			t.Fatal("ciphertext contains the plaintext")
		}
		got, err := key.Open(ct, aad)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("Open = %q, %v; want %q", got, err, pt)
		}
	}
}

func TestSealNonceFreshness(t *testing.T) {
	m, _ := newMaster(t)
	key, _, _, _ := m.NewDataKey("t", "s")
	aad := crypto.FieldAAD("t", "s", "f")
	seen := map[string]bool{}
	for range 100 {
		ct, err := key.Seal([]byte("same"), aad)
		if err != nil {
			t.Fatal(err)
		}
		if seen[string(ct)] {
			t.Fatal("sealing the same plaintext twice gave the same ciphertext")
		}
		seen[string(ct)] = true
	}
}

func TestOpenRejectsWrongAADAndTampering(t *testing.T) {
	m, _ := newMaster(t)
	key, _, _, _ := m.NewDataKey("ten_1", "sub_1")
	aad := crypto.FieldAAD("ten_1", "sub_1", "email")
	ct, _ := key.Seal([]byte("alice@example.com"), aad)
	flipped := func(i int) []byte {
		c := bytes.Clone(ct)
		c[i] ^= 0x01
		return c
	}
	tests := []struct {
		name string
		ct   []byte
		aad  []byte
	}{
		{"other tenant", ct, crypto.FieldAAD("ten_2", "sub_1", "email")},
		{"other subject", ct, crypto.FieldAAD("ten_1", "sub_2", "email")},
		{"other field", ct, crypto.FieldAAD("ten_1", "sub_1", "phone")},
		{"shifted boundary", ct, crypto.FieldAAD("ten_1s", "ub_1", "email")},
		{"no aad", ct, nil},
		{"flipped prefix bit", flipped(0), aad},
		{"flipped nonce bit", flipped(6), aad},
		{"flipped body bit", flipped(len(ct) / 2), aad},
		{"flipped tag bit", flipped(len(ct) - 1), aad},
		{"truncated", ct[:len(ct)-1], aad},
		{"empty", nil, aad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt, err := key.Open(tt.ct, tt.aad)
			wantCode(t, err, privet.EINTEGRITY)
			if pt != nil {
				t.Fatal("failed Open returned data")
			}
		})
	}
}

func TestOpenWithAnotherSubjectsKeyFails(t *testing.T) {
	m, _ := newMaster(t)
	a, _, _, _ := m.NewDataKey("t", "a")
	b, _, _, _ := m.NewDataKey("t", "a") // same ids, different key
	ct, _ := a.Seal([]byte("x"), crypto.FieldAAD("t", "a", "f"))
	_, err := b.Open(ct, crypto.FieldAAD("t", "a", "f"))
	wantCode(t, err, privet.EINTEGRITY)
}

func TestWrappedKeyBoundToTenantAndSubject(t *testing.T) {
	m, _ := newMaster(t)
	other, _ := newMaster(t)
	_, wrapped, _, err := m.NewDataKey("ten_1", "sub_a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.OpenDataKey("ten_1", "sub_a", wrapped); err != nil {
		t.Fatalf("own wrapped key: %v", err)
	}
	tamper := bytes.Clone(wrapped)
	tamper[len(tamper)-3] ^= 0x80
	tests := []struct {
		name            string
		m               *crypto.Master
		tenant, subject string
		wrapped         []byte
	}{
		{"subject B", m, "ten_1", "sub_b", wrapped},
		{"other tenant", m, "ten_2", "sub_a", wrapped},
		{"other master", other, "ten_1", "sub_a", wrapped},
		{"tampered", m, "ten_1", "sub_a", tamper},
		{"garbage", m, "ten_1", "sub_a", []byte("garbage")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := tt.m.OpenDataKey(tt.tenant, tt.subject, tt.wrapped)
			wantCode(t, err, privet.EINTEGRITY)
			if k != nil {
				t.Fatal("returned a key")
			}
		})
	}
}

func TestFieldAADUnambiguous(t *testing.T) {
	pairs := [][2][3]string{
		{{"ab", "c", "d"}, {"a", "bc", "d"}},
		{{"a", "", "bc"}, {"a", "b", "c"}},
		{{"", "", ""}, {"", "", "x"}},
	}
	for _, p := range pairs {
		x := crypto.FieldAAD(p[0][0], p[0][1], p[0][2])
		y := crypto.FieldAAD(p[1][0], p[1][1], p[1][2])
		if bytes.Equal(x, y) {
			t.Errorf("FieldAAD%v == FieldAAD%v", p[0], p[1])
		}
	}
}
