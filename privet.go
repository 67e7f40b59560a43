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
	"encoding/binary"
	"strings"
	"time"
)

// idEncoding spells ids in lower-case base32 without padding: URL-safe,
// case-insensitive to the eye, and free of characters that need escaping.
// It is the "extended hex" alphabet (0-9 then a-v), whose text sorts like
// the bytes it encodes, so ids sort by their time prefix.
var idEncoding = base32.HexEncoding.WithPadding(base32.NoPadding)

// NewID returns an identifier with a short prefix naming its kind, e.g.
// "sub_06d…": 48 bits of the creation time in milliseconds, then 80 random
// bits. The random part keeps ids unguessable and collisions negligible (two
// ids of the same millisecond collide with probability 2^-80); the time
// prefix makes ids made one after another sort together, so an insert into
// an index keyed by id lands on the same page as the previous one instead of
// a random page. Under load that is most of the cost of a write: SQLite
// writes every page a commit dirtied. An id therefore reveals when it was
// made (to the millisecond) but nothing of how many were made.
//
// The time is the machine's clock, not an injected privet.Clock: it only
// places the id, and means nothing to the domain.
func NewID(prefix string) string { return newIDAt(prefix, time.Now()) }

func newIDAt(prefix string, at time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(at.UnixMilli())<<16)
	if _, err := rand.Read(b[6:]); err != nil {
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
