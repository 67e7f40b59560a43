package crypto_test

import (
	"bytes"
	"testing"
)

func TestBlindIndex(t *testing.T) {
	m, _ := newMaster(t)
	other, _ := newMaster(t)
	base := m.BlindIndex("ten_1", "email", "alice@example.com")
	if len(base) != 32 {
		t.Fatalf("index length %d", len(base))
	}
	if !bytes.Equal(base, m.BlindIndex("ten_1", "email", "alice@example.com")) {
		t.Fatal("blind index is not deterministic")
	}
	differs := []struct {
		name string
		got  []byte
	}{
		{"other tenant", m.BlindIndex("ten_2", "email", "alice@example.com")},
		{"other type", m.BlindIndex("ten_1", "external_id", "alice@example.com")},
		{"other value", m.BlindIndex("ten_1", "email", "bob@example.com")},
		{"shifted boundary", m.BlindIndex("ten_1e", "mail", "alice@example.com")},
		{"other master key", other.BlindIndex("ten_1", "email", "alice@example.com")},
		{"derived key", m.DeriveKey("ten_1")},
	}
	for _, d := range differs {
		if bytes.Equal(base, d.got) {
			t.Errorf("%s: blind index equal", d.name)
		}
	}
	if bytes.Equal(m.DeriveKey("links"), m.DeriveKey("webhooks")) {
		t.Error("derived keys for different purposes are equal")
	}
}
