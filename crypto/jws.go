package crypto

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/privet-dev/privet"
)

// maxJWSLength bounds what VerifyJWS will even look at.
const maxJWSLength = 64 << 10

var b64 = base64.RawURLEncoding.Strict()

type jwsHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid,omitempty"`
	Typ string `json:"typ,omitempty"`
}

// SignJWS returns a compact JWS (RFC 7515) of payload, signed with Ed25519
// (alg "EdDSA", RFC 8037), naming the key by kid.
func SignJWS(priv ed25519.PrivateKey, kid string, payload []byte) (string, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return "", privet.Errorf(privet.EINVALID, "signing key has the wrong size")
	}
	header, err := json.Marshal(jwsHeader{Alg: "EdDSA", Kid: kid})
	if err != nil {
		return "", privet.Errorf(privet.EINTERNAL, "cannot encode JWS header")
	}
	signingInput := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	sig := ed25519.Sign(priv, []byte(signingInput))
	return signingInput + "." + b64.EncodeToString(sig), nil
}

// VerifyJWS checks a compact JWS against pub and returns its payload and kid.
// It is strict on purpose, because lenient JWS parsers are a classic way in:
// the algorithm must be exactly "EdDSA" ("none" and every other value are
// refused, whatever the key), the header may hold only alg, kid and typ (no
// "crit" extensions we would silently ignore), and every part must be
// canonical base64url without padding or line breaks.
func VerifyJWS(pub ed25519.PublicKey, token string) (payload []byte, kid string, err error) {
	invalid := privet.Errorf(privet.EUNAUTHORIZED, "invalid signed token")
	if len(pub) != ed25519.PublicKeySize || len(token) > maxJWSLength {
		return nil, "", invalid
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, "", invalid
	}
	raw := make([][]byte, 3)
	for i, p := range parts {
		if !isBase64URL(p) {
			return nil, "", invalid
		}
		if raw[i], err = b64.DecodeString(p); err != nil {
			return nil, "", invalid
		}
	}
	var h jwsHeader
	dec := json.NewDecoder(bytes.NewReader(raw[0]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil || dec.More() {
		return nil, "", invalid
	}
	if h.Alg != "EdDSA" {
		return nil, "", invalid
	}
	if len(raw[2]) != ed25519.SignatureSize {
		return nil, "", invalid
	}
	signingInput := token[:len(parts[0])+1+len(parts[1])]
	if !ed25519.Verify(pub, []byte(signingInput), raw[2]) {
		return nil, "", invalid
	}
	return raw[1], h.Kid, nil
}

// isBase64URL reports whether s uses only the base64url alphabet. The
// standard decoder skips CR and LF, which would let two different strings
// carry one signature.
func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
