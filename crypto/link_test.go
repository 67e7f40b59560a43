package crypto_test

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSignLink(t *testing.T) {
	m, _ := newMaster(t)
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tok := m.SignLink("downloads", []string{"ten_1", "pkg_1"}, exp)
	fields, got, ok := m.VerifyLink("downloads", tok, 2)
	if !ok || !slices.Equal(fields, []string{"ten_1", "pkg_1"}) || !got.Equal(exp) {
		t.Fatalf("VerifyLink = %q %v %v", fields, got, ok)
	}
	flipped := []byte(tok)
	flipped[3] ^= 'A' ^ 'B'
	for name, c := range map[string]struct {
		purpose, token string
		n              int
	}{
		"other purpose":      {"unsubscribe-links", tok, 2},
		"wrong field count":  {"downloads", tok, 3},
		"tampered":           {"downloads", string(flipped), 2},
		"truncated":          {"downloads", tok[:len(tok)-2], 2},
		"not base64":         {"downloads", "!!!", 2},
		"empty":              {"downloads", "", 2},
		"too long":           {"downloads", strings.Repeat("A", 2000), 2},
		"other master's key": {"downloads", otherMasterLink(t, exp), 2},
	} {
		if _, _, ok := m.VerifyLink(c.purpose, c.token, c.n); ok {
			t.Errorf("%s: VerifyLink accepted the token", name)
		}
	}
}

func otherMasterLink(t *testing.T, exp time.Time) string {
	m, _ := newMaster(t)
	return m.SignLink("downloads", []string{"ten_1", "pkg_1"}, exp)
}
