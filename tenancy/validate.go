package tenancy

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/privet-dev/privet"
)

// MaxNameLength is the longest tenant or key name, in characters.
const MaxNameLength = 100

// validateName checks a tenant or key name: names show up in consoles and
// logs of operators, so control characters (which could forge log lines or
// hide text) are refused.
func validateName(field, name string) error {
	if name == "" {
		return privet.FieldError(field, "is required")
	}
	if !utf8.ValidString(name) {
		return privet.FieldError(field, "must be valid UTF-8")
	}
	if utf8.RuneCountInString(name) > MaxNameLength {
		return privet.FieldError(field, "must be at most %d characters", MaxNameLength)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return privet.FieldError(field, "must not contain control characters")
		}
	}
	return nil
}

// validateScopes checks that scopes is non-empty and every scope is known,
// and returns them without duplicates in the stable order of privet.Scopes.
func validateScopes(scopes []privet.Scope) ([]privet.Scope, error) {
	if len(scopes) == 0 {
		return nil, privet.FieldError("scopes", "at least one scope is required")
	}
	for _, s := range scopes {
		if _, err := privet.ParseScope(string(s)); err != nil {
			return nil, err
		}
	}
	out := make([]privet.Scope, 0, len(scopes))
	for _, s := range privet.Scopes {
		if slices.Contains(scopes, s) {
			out = append(out, s)
		}
	}
	return out, nil
}
