// Package privet is the domain of the privacy engine: the types a privacy
// policy talks about (tenants, subjects, their identities and records, consent
// events, audit events), the store interfaces that keep them, and the error
// codes every layer shares.
//
// The package knows no technology: it imports neither net/http nor
// database/sql. Storage engines, cryptography, transports and the command
// line live in packages of their own that implement or use these interfaces.
package privet

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// idEncoding spells ids in lower-case base32 without padding: URL-safe,
// case-insensitive to the eye, and free of characters that need escaping.
var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewID returns a random identifier with a short prefix naming its kind,
// e.g. "sub_k3j…". 128 random bits make collisions negligible and ids
// unguessable, so an id reveals nothing about order or volume.
func NewID(prefix string) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("privet: crypto/rand failed: " + err.Error())
	}
	return prefix + "_" + strings.ToLower(idEncoding.EncodeToString(b[:]))
}

// ID prefixes, one per kind of object.
const (
	PrefixTenant       = "ten"
	PrefixAPIKey       = "key"
	PrefixSubject      = "sub"
	PrefixConsent      = "con"
	PrefixRequest      = "req"
	PrefixHold         = "hld"
	PrefixComplaint    = "cmp"
	PrefixDisclosure   = "dis"
	PrefixProcessorEnd = "pre"
	PrefixIncident     = "inc"
	PrefixPackage      = "pkg"
)
