package crypto

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"

	"github.com/privet-dev/privet"
)

// NewSigningKey creates an Ed25519 key pair for a tenant (it signs audit
// checkpoints, webhooks and tokens). The private key is returned only wrapped
// by the master key and bound to the tenant; the public key is returned as is.
func (m *Master) NewSigningKey(tenantID string) (wrappedPrivate, public []byte, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("crypto: new signing key: %w", err)
	}
	seed := priv.Seed()
	defer clear(seed)
	clear(priv)
	wrappedPrivate, _, err = m.wrap(seed, boundData(labelSigningKey, tenantID))
	if err != nil {
		return nil, nil, err
	}
	return wrappedPrivate, pub, nil
}

// Signer unwraps a tenant's signing key. A key wrapped for another tenant, or
// altered, fails with EINTEGRITY.
func (m *Master) Signer(tenantID string, wrappedPrivate []byte) (ed25519.PrivateKey, error) {
	seed, err := m.unwrap(wrappedPrivate, boundData(labelSigningKey, tenantID))
	if err != nil {
		return nil, err
	}
	defer clear(seed)
	if len(seed) != ed25519.SeedSize {
		return nil, privet.Errorf(privet.EINTEGRITY, "signing key is malformed")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}
