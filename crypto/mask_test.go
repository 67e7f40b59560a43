package crypto_test

import (
	"testing"

	"github.com/privet-dev/privet/crypto"
)

func TestMask(t *testing.T) {
	tests := []struct {
		format, in, want string
	}{
		{"email", "alice@example.com", "a***@example.com"},
		{"email", "Ünal@bücher.example", "Ü***@bücher.example"},
		{"email", "@example.com", "***@example.com"},
		{"email", "no-at-sign", "********"},
		{"phone", "+49 30 1234 5678", "****5678"},
		{"phone", "+1 (415) 555-0100", "****0100"},
		{"phone", "1234", "****"},
		{"phone", "", "****"},
		{"id", "110101199001011234", "110***********1234"},
		{"id", "1234567890", "123***7890"},
		{"id", "123456789", "*********"},
		{"id", "身份证号码一二三四五六", "身份证****三四五六"},
		{"name", "Alice", "A****"},
		{"name", "Łukasz", "Ł*****"},
		{"name", "王小明", "王**"},
		{"name", "", ""},
		{"full", "anything at all", "********"},
		{"full", "", "********"},
		{"", "unchanged", "unchanged"},
		{"unknown-format", "secret", "********"},
	}
	for _, tt := range tests {
		if got := crypto.Mask(tt.format, tt.in); got != tt.want {
			t.Errorf("Mask(%q, %q) = %q, want %q", tt.format, tt.in, got, tt.want)
		}
	}
}
