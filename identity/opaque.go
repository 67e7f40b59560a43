package identity

import "github.com/privet-dev/privet"

// Limits on opaque identifiers.
const (
	maxExternalIDLen = 256
	maxCookieIDLen   = 128
)

// NormalizeExternalID accepts the application's own user id exactly as given:
// it is the application's key, and "A1" and "a1 " may be different users, so
// nothing is trimmed or folded. It must be non-empty UTF-8 of at most 256
// bytes without control characters.
func NormalizeExternalID(value string) (string, error) {
	const typ = privet.IdentityExternalID
	if value == "" {
		return "", invalid(typ, "empty")
	}
	if len(value) > maxExternalIDLen {
		return "", invalid(typ, "longer than 256 bytes")
	}
	if err := validText(typ, value); err != nil {
		return "", err
	}
	return value, nil
}

// NormalizeCookieID accepts a cookie id exactly as given: 1 to 128 characters
// of A-Z, a-z, 0-9, "_" and "-" (what privet's banner script generates, and
// what fits a cookie value without escaping).
func NormalizeCookieID(value string) (string, error) {
	const typ = privet.IdentityCookieID
	if value == "" {
		return "", invalid(typ, "empty")
	}
	if len(value) > maxCookieIDLen {
		return "", invalid(typ, "longer than 128 characters")
	}
	for i := 0; i < len(value); i++ {
		c := value[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return "", invalid(typ, "may contain only A-Z, a-z, 0-9, _ and -")
		}
	}
	return value, nil
}
