package identity

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
	"github.com/privet-dev/privet"
)

// maxPhoneLen bounds the raw input handed to the parser; written-out numbers
// with spaces, dashes and an extension stay far below it.
const maxPhoneLen = 64

// NormalizePhone returns a valid phone number in E.164 form (+4930123456).
// A number in international form (leading +) is always accepted; a national
// number is accepted only with a defaultRegion (ISO 3166-1 alpha-2, e.g.
// "DE"), because "030 123456" is a different person in every country.
// Extensions are dropped: they reach a desk, not a person's identity.
func NormalizePhone(value, defaultRegion string) (string, error) {
	const typ = privet.IdentityPhone
	v := strings.TrimSpace(value)
	if err := validText(typ, v); err != nil {
		return "", err
	}
	if v == "" {
		return "", invalid(typ, "empty")
	}
	if len(v) > maxPhoneLen {
		return "", invalid(typ, "longer than 64 bytes")
	}
	region := strings.ToUpper(defaultRegion)
	if !strings.HasPrefix(v, "+") {
		if region == "" {
			return "", invalid(typ, "must be in international form (+ and country code)")
		}
		if len(region) != 2 || region[0] < 'A' || region[0] > 'Z' || region[1] < 'A' || region[1] > 'Z' {
			return "", privet.FieldError("default_region", "invalid region code")
		}
	} else {
		// With a leading + the region is irrelevant; "ZZ" (unknown) makes the
		// parser rely on the country code alone.
		region = "ZZ"
	}
	n, err := parsePhone(v, region)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", invalid(typ, "not a valid phone number")
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// parsePhone shields callers from a panic inside the parser on hostile input:
// a malformed identity must be a 422, not a crashed request.
func parsePhone(v, region string) (n *phonenumbers.PhoneNumber, err error) {
	defer func() {
		if recover() != nil {
			n, err = nil, invalid(privet.IdentityPhone, "not a valid phone number")
		}
	}()
	return phonenumbers.Parse(v, region)
}
