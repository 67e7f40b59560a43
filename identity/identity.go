// Package identity normalizes the identifiers people are found by (email,
// phone, external id, cookie id) before they are blind-indexed. The blind
// index matches bytes, so two spellings of one identity must normalize to
// the same string, or a person asking for their data would not be found.
//
// Errors name the identity type and the rule broken, never the value.
package identity

import (
	"unicode"
	"unicode/utf8"

	"github.com/privet-dev/privet"
)

// errField is the input field errors point at.
const errField = "identities"

// Normalize returns the canonical form of an identity value of type typ.
// Phone numbers must be in international form (leading +); use
// NormalizePhone to accept national numbers with a default region.
// Normalize is idempotent: normalizing its output returns the output.
func Normalize(typ privet.IdentityType, value string) (string, error) {
	switch typ {
	case privet.IdentityEmail:
		return NormalizeEmail(value)
	case privet.IdentityPhone:
		return NormalizePhone(value, "")
	case privet.IdentityExternalID:
		return NormalizeExternalID(value)
	case privet.IdentityCookieID:
		return NormalizeCookieID(value)
	default:
		return "", privet.FieldError(errField, "unknown identity type %q", string(typ))
	}
}

// hasControl reports whether s holds a control or format character that has
// no place in an identifier and could hide one identity behind another.
func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return true
		}
	}
	return false
}

func invalid(typ privet.IdentityType, why string) error {
	return privet.FieldError(errField, "invalid %s: %s", string(typ), why)
}

func validText(typ privet.IdentityType, s string) error {
	if !utf8.ValidString(s) {
		return invalid(typ, "not valid UTF-8")
	}
	if hasControl(s) {
		return invalid(typ, "contains control characters")
	}
	return nil
}
