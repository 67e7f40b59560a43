package crypto_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
)

func TestSigningKeyWrapped(t *testing.T) {
	m, _ := newMaster(t)
	wrapped, pub, err := m.NewSigningKey("ten_1")
	if err != nil {
		t.Fatal(err)
	}
	priv, err := m.Signer("ten_1", wrapped)
	if err != nil {
		t.Fatal(err)
	}
	if !priv.Public().(ed25519.PublicKey).Equal(ed25519.PublicKey(pub)) {
		t.Fatal("unwrapped private key does not match public key")
	}
	if _, err := m.Signer("ten_2", wrapped); privet.ErrorCode(err) != privet.EINTEGRITY {
		t.Fatalf("Signer for another tenant: %v", err)
	}
	// A data key wrapping must not pass as a signing key of the same name.
	_, dk, _, _ := m.NewDataKey("ten_1", "")
	if _, err := m.Signer("ten_1", dk); privet.ErrorCode(err) != privet.EINTEGRITY {
		t.Fatalf("Signer accepted a wrapped data key: %v", err)
	}
}

func TestJWSRoundTripAndRejections(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	otherPub, _, _ := ed25519.GenerateKey(rand.Reader)
	payload := []byte(`{"sub":"sub_1","n":1}`)
	tok, err := crypto.SignJWS(priv, "ten_1/1", payload)
	if err != nil {
		t.Fatal(err)
	}
	got, kid, err := crypto.VerifyJWS(pub, tok)
	if err != nil || string(got) != string(payload) || kid != "ten_1/1" {
		t.Fatalf("VerifyJWS = %q, %q, %v", got, kid, err)
	}

	parts := strings.Split(tok, ".")
	enc := base64.RawURLEncoding.EncodeToString
	resign := func(header string) string {
		in := enc([]byte(header)) + "." + parts[1]
		return in + "." + enc(ed25519.Sign(priv, []byte(in)))
	}
	flip := []byte(tok)
	flip[len(parts[0])+3] ^= 0x01
	tests := []struct {
		name  string
		pub   ed25519.PublicKey
		token string
	}{
		{"other key", otherPub, tok},
		{"tampered payload", pub, string(flip)},
		{"alg none unsigned", pub, enc([]byte(`{"alg":"none"}`)) + "." + parts[1] + "."},
		{"alg none signed", pub, resign(`{"alg":"none"}`)},
		{"alg HS256 signed", pub, resign(`{"alg":"HS256"}`)},
		{"alg case", pub, resign(`{"alg":"eddsa"}`)},
		{"crit header", pub, resign(`{"alg":"EdDSA","crit":["x"]}`)},
		{"unknown header", pub, resign(`{"alg":"EdDSA","jku":"https://x"}`)},
		{"padded", pub, parts[0] + "=." + parts[1] + "." + parts[2]},
		{"newline", pub, parts[0] + "." + parts[1][:2] + "\n" + parts[1][2:] + "." + parts[2]},
		{"standard alphabet", pub, strings.NewReplacer("-", "+", "_", "/").Replace(tok) + "+"},
		{"two parts", pub, parts[0] + "." + parts[1]},
		{"four parts", pub, tok + ".x"},
		{"empty signature", pub, parts[0] + "." + parts[1] + "."},
		{"short signature", pub, parts[0] + "." + parts[1] + "." + parts[2][:20]},
		{"empty", pub, ""},
		{"bad key", ed25519.PublicKey{1, 2}, tok},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, err := crypto.VerifyJWS(tt.pub, tt.token)
			wantCode(t, err, privet.EUNAUTHORIZED)
			if p != nil {
				t.Fatal("rejected token returned a payload")
			}
		})
	}
}

func FuzzVerifyJWS(f *testing.F) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	tok, _ := crypto.SignJWS(priv, "k", []byte("payload"))
	f.Add(tok)
	f.Add("e30.e30.")
	f.Add("..")
	f.Fuzz(func(t *testing.T, token string) {
		payload, _, err := crypto.VerifyJWS(pub, token)
		if err == nil && token != tok {
			// Ed25519 signatures are not malleable and the encoding is
			// canonical, so only the token we signed may verify.
			t.Fatalf("a different token verified: %q", token)
		}
		if err != nil && payload != nil {
			t.Fatal("payload returned with an error")
		}
	})
}
