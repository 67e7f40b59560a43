package crypto

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mask formats.
const (
	MaskEmail = "email"
	MaskPhone = "phone"
	MaskID    = "id"
	MaskName  = "name"
	MaskFull  = "full"
)

// fullMask is what "full" (and any unknown format) shows: a fixed length, so
// the mask does not even reveal how long the value is.
const fullMask = "********"

// Mask hides most of a value for display to people who need to recognise it
// but not read it (support staff, request reviewers):
//
//	"email"  alice@example.com   -> a***@example.com
//	"phone"  +49 30 1234 5678    -> ****5678
//	"id"     110101199001011234  -> 110***********1234
//	"name"   Alice               -> A****
//	"full"   anything            -> ********
//	""       value               -> value (unchanged)
//
// It works on runes, so multi-byte characters are never split. An unknown
// format masks fully: failing closed shows too little rather than too much.
func Mask(format, value string) string {
	switch format {
	case "":
		return value
	case MaskEmail:
		return maskEmail(value)
	case MaskPhone:
		return maskPhone(value)
	case MaskID:
		return maskID(value)
	case MaskName:
		return maskName(value)
	default:
		return fullMask
	}
}

func maskEmail(value string) string {
	at := strings.LastIndexByte(value, '@')
	if at < 0 {
		return fullMask
	}
	local, domain := value[:at], value[at+1:]
	first, _ := utf8.DecodeRuneInString(local)
	if local == "" || first == utf8.RuneError {
		return "***@" + domain
	}
	return string(first) + "***@" + domain
}

// maskPhone keeps the last four digits behind a fixed run of stars, so the
// length of the number stays hidden too.
func maskPhone(value string) string {
	var digits []rune
	for _, r := range value {
		if unicode.IsDigit(r) {
			digits = append(digits, r)
		}
	}
	if len(digits) <= 4 {
		return "****"
	}
	return "****" + string(digits[len(digits)-4:])
}

// maskID keeps the first 3 and last 4 runes when at least as many stay hidden
// as show (10 runes or more); shorter ids are hidden whole.
func maskID(value string) string {
	r := []rune(value)
	if len(r) < 10 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

func maskName(value string) string {
	r := []rune(value)
	if len(r) == 0 {
		return ""
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}
