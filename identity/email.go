package identity

import (
	"strings"
	"unicode"

	"github.com/privet-dev/privet"
	"golang.org/x/net/idna"
)

// Limits from RFC 5321: a path of at most 254 octets as used in practice
// (256 minus the angle brackets), a local part of at most 64.
const (
	maxEmailLen  = 254
	maxLocalLen  = 64
	maxDomainLen = 253
	maxLabelLen  = 63
)

// NormalizeEmail trims surrounding space, lower-cases the local part, and
// converts the domain to lower-case ASCII (punycode) with the IDNA lookup
// profile, so "Alice@Bücher.Example" and "alice@xn--bcher-kva.example" are
// one identity.
//
// Lower-casing the local part is a deliberate choice: RFC 5321 lets a server
// treat it case-sensitively, but the providers people use do not, and the
// promise privet keeps is finding the person when they ask for their data.
// Two accounts differing only in case at one exotic server would be merged;
// one person not found because they typed a capital would be a broken right.
// Dots and +tags are kept: whether they matter is the provider's business.
func NormalizeEmail(value string) (string, error) {
	const typ = privet.IdentityEmail
	v := strings.TrimSpace(value)
	if err := validText(typ, v); err != nil {
		return "", err
	}
	if v == "" {
		return "", invalid(typ, "empty")
	}
	if len(v) > maxEmailLen {
		return "", invalid(typ, "longer than 254 bytes")
	}
	if strings.Count(v, "@") != 1 {
		return "", invalid(typ, `must contain exactly one "@"`)
	}
	local, domain, _ := strings.Cut(v, "@")
	local = strings.ToLower(local)
	if err := checkLocal(local); err != nil {
		return "", err
	}
	ascii, err := idna.Lookup.ToASCII(domain)
	if err != nil {
		return "", invalid(typ, "domain is not a valid host name")
	}
	ascii = strings.ToLower(ascii)
	if err := checkDomain(ascii); err != nil {
		return "", err
	}
	out := local + "@" + ascii
	if len(out) > maxEmailLen {
		return "", invalid(typ, "longer than 254 bytes")
	}
	return out, nil
}

// checkLocal accepts a dot-atom local part (RFC 5322), allowing UTF-8 in it
// (RFC 6531). Quoted local parts are refused: nobody is found by them.
func checkLocal(local string) error {
	const typ = privet.IdentityEmail
	if local == "" {
		return invalid(typ, "empty local part")
	}
	if len(local) > maxLocalLen {
		return invalid(typ, "local part longer than 64 bytes")
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return invalid(typ, "misplaced dot in local part")
	}
	for _, r := range local {
		if r < 0x80 && !isAtext(byte(r)) && r != '.' {
			return invalid(typ, "local part contains a character not allowed in an address")
		}
		if r >= 0x80 && !isPrintableNonASCII(r) {
			return invalid(typ, "local part contains a character not allowed in an address")
		}
	}
	return nil
}

func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// checkDomain accepts a host name of at least two labels of letters, digits
// and hyphens. IP literals are refused: no person's mailbox is found by one.
func checkDomain(domain string) error {
	const typ = privet.IdentityEmail
	if domain == "" || len(domain) > maxDomainLen {
		return invalid(typ, "domain is empty or too long")
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return invalid(typ, "domain must have at least two labels")
	}
	for _, l := range labels {
		if l == "" || len(l) > maxLabelLen || l[0] == '-' || l[len(l)-1] == '-' {
			return invalid(typ, "domain has an invalid label")
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return invalid(typ, "domain has an invalid label")
			}
		}
	}
	return nil
}

// isPrintableNonASCII accepts letters, marks, numbers, symbols and
// punctuation beyond ASCII, and refuses spaces and invisible characters that
// would make two addresses look alike.
func isPrintableNonASCII(r rune) bool {
	return r != unicode.ReplacementChar && unicode.IsPrint(r) && !unicode.IsSpace(r)
}
