package crypto_test

import (
	"testing"

	"github.com/privet-dev/privet/crypto"
)

func BenchmarkSeal(b *testing.B) {
	m, _ := newMaster(b)
	key, _, _, _ := m.NewDataKey("ten_bench", "sub_bench")
	aad := crypto.FieldAAD("ten_bench", "sub_bench", "email")
	pt := []byte("someone@example.com")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := key.Seal(pt, aad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	m, _ := newMaster(b)
	key, _, _, _ := m.NewDataKey("ten_bench", "sub_bench")
	aad := crypto.FieldAAD("ten_bench", "sub_bench", "email")
	ct, _ := key.Seal([]byte("someone@example.com"), aad)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := key.Open(ct, aad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBlindIndex(b *testing.B) {
	m, _ := newMaster(b)
	b.ReportAllocs()
	for b.Loop() {
		m.BlindIndex("ten_bench", "email", "someone@example.com")
	}
}

func BenchmarkNewDataKey(b *testing.B) {
	m, _ := newMaster(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := m.NewDataKey("ten_bench", "sub_bench"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenDataKey(b *testing.B) {
	m, _ := newMaster(b)
	_, wrapped, _, _ := m.NewDataKey("ten_bench", "sub_bench")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.OpenDataKey("ten_bench", "sub_bench", wrapped); err != nil {
			b.Fatal(err)
		}
	}
}
