package crypto

import (
	"encoding/base64"
	"encoding/binary"
	"time"
)

// Signed links carry a few ids and an expiry in a URL-safe token, signed
// with a key derived for one purpose (Master.DeriveKey), so a token signed
// for one use (an unsubscribe link) never passes for another (a download).
// The token holds no personal data: callers put only ids in it.

// linkVersion is the first byte of every link payload, so the format can
// change without old links being misread.
const linkVersion = 1

// MaxLinkTokenLen bounds a token before any decoding: a few ids fit in far less.
const MaxLinkTokenLen = 1024

// SignLink returns a token carrying fields and expires (kept to the
// second), signed with the key derived for purpose.
func (m *Master) SignLink(purpose string, fields []string, expires time.Time) string {
	payload := EncodeLinkPayload(fields, expires)
	mac := MAC(m.DeriveKey(purpose), payload)
	return base64.RawURLEncoding.EncodeToString(append(payload, mac...))
}

// VerifyLink checks a token's signature under the key derived for purpose
// and returns its fields and expiry. It reports false for any forged,
// tampered or malformed token, or one that does not carry exactly nfields
// non-empty fields; the signature is checked before anything in the token
// is read. The caller compares the expiry with its own clock.
func (m *Master) VerifyLink(purpose, token string, nfields int) ([]string, time.Time, bool) {
	if len(token) > MaxLinkTokenLen {
		return nil, time.Time{}, false
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) < 1+BlindIndexSize {
		return nil, time.Time{}, false
	}
	payload, mac := raw[:len(raw)-BlindIndexSize], raw[len(raw)-BlindIndexSize:]
	if !EqualMAC(mac, MAC(m.DeriveKey(purpose), payload)) {
		return nil, time.Time{}, false
	}
	return DecodeLinkPayload(payload, nfields)
}

// EncodeLinkPayload lays a link out as the version, each field after its
// length (so no separator can be smuggled into an id) and the expiry in
// unix seconds.
func EncodeLinkPayload(fields []string, expires time.Time) []byte {
	p := []byte{linkVersion}
	for _, f := range fields {
		p = binary.AppendUvarint(p, uint64(len(f)))
		p = append(p, f...)
	}
	return binary.BigEndian.AppendUint64(p, uint64(expires.Unix()))
}

// DecodeLinkPayload reads a payload of nfields fields. Only signed payloads
// reach it, but it must still never panic on any input, and what it
// accepts encodes back to the same bytes.
func DecodeLinkPayload(p []byte, nfields int) ([]string, time.Time, bool) {
	if len(p) == 0 || p[0] != linkVersion || nfields < 0 {
		return nil, time.Time{}, false
	}
	p = p[1:]
	fields := make([]string, 0, min(nfields, 16))
	for range nfields {
		n, size := binary.Uvarint(p)
		// A longer encoding than needed would let two payloads mean one link.
		if size <= 0 || size != len(binary.AppendUvarint(nil, n)) || n > uint64(len(p)-size) || n == 0 {
			return nil, time.Time{}, false
		}
		fields = append(fields, string(p[size:size+int(n)]))
		p = p[size+int(n):]
	}
	if len(p) != 8 {
		return nil, time.Time{}, false
	}
	return fields, time.Unix(int64(binary.BigEndian.Uint64(p)), 0).UTC(), true
}
