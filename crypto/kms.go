package crypto

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	vault "github.com/hashicorp/vault/api"
	"github.com/privet-dev/privet"
	"github.com/tink-crypto/tink-go-awskms/v3/integration/awskms"
	"github.com/tink-crypto/tink-go-gcpkms/v2/integration/gcpkms"
	"github.com/tink-crypto/tink-go-hcvault/v2/integration/hcvault"
	"github.com/tink-crypto/tink-go/v2/core/registry"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// KMS key URI schemes privet understands.
const (
	schemeAWS   = "aws-kms://"
	schemeGCP   = "gcp-kms://"
	schemeVault = "hcvault://"
)

// CreateMasterKMS writes a new master keyset to keysetPath, encrypted by the
// KMS key at uri (aws-kms://…, gcp-kms://…, hcvault://…). The file alone is
// useless without access to the KMS key, so backups of it are safe to keep
// with other backups. It refuses to overwrite an existing file.
func CreateMasterKMS(ctx context.Context, uri, keysetPath string) error {
	kek, err := remoteAEAD(ctx, uri)
	if err != nil {
		return err
	}
	return CreateMasterEncrypted(keysetPath, kek)
}

// OpenMasterKMS reads a master keyset file encrypted by the KMS key at uri.
func OpenMasterKMS(ctx context.Context, uri, keysetPath string) (*Master, error) {
	kek, err := remoteAEAD(ctx, uri)
	if err != nil {
		return nil, err
	}
	return OpenMasterEncrypted(keysetPath, kek)
}

// CreateMasterEncrypted writes a new master keyset encrypted by kek, a
// key-encryption AEAD from any Tink KMS client. CreateMasterKMS uses it with
// the clients built in; it is exported for other KMS clients and for tests.
func CreateMasterEncrypted(keysetPath string, kek tink.AEAD) error {
	m, err := newMaster(kek)
	if err != nil {
		return err
	}
	data, err := m.encode()
	if err != nil {
		return err
	}
	return writeFileAtomic(keysetPath, data, false)
}

// OpenMasterEncrypted reads a master keyset file encrypted by kek.
func OpenMasterEncrypted(keysetPath string, kek tink.AEAD) (*Master, error) {
	data, err := os.ReadFile(keysetPath)
	if err != nil {
		return nil, fmt.Errorf("crypto: master key file: %w", err)
	}
	return decodeMaster(data, kek)
}

// remoteAEAD returns the KMS AEAD for uri. Credentials come from each cloud's
// usual environment (AWS default credential chain, Google application default
// credentials, VAULT_TOKEN and VAULT_* for Vault), never from privet's config.
func remoteAEAD(ctx context.Context, uri string) (tink.AEAD, error) {
	lower := strings.ToLower(uri)
	var (
		a   tink.AEAD
		err error
	)
	switch {
	case strings.HasPrefix(lower, schemeAWS):
		var c registry.KMSClient
		if c, err = awskms.NewClientWithOptions(ctx, uri); err == nil {
			a, err = c.GetAEAD(uri)
		}
	case strings.HasPrefix(lower, schemeGCP):
		var c *gcpkms.Client
		if c, err = gcpkms.NewClient(ctx, uri); err == nil {
			a, err = c.GetAEAD(uri)
		}
	case strings.HasPrefix(lower, schemeVault):
		a, err = vaultAEAD(uri)
	default:
		return nil, privet.Errorf(privet.EINVALID,
			"KMS key URI scheme is not built in (use aws-kms://, gcp-kms:// or hcvault://)")
	}
	if err != nil {
		// The cause names the cloud's own failure (credentials, network); it
		// holds no key material.
		return nil, privet.Errorf(privet.EUNAVAILABLE, "KMS key is not usable: %v", err)
	}
	return a, nil
}

// vaultAEAD connects to the Vault server named in uri
// (hcvault://host[:port]/transit/keys/name) over HTTPS, with the token and
// TLS settings of the standard VAULT_* environment variables.
func vaultAEAD(uri string) (tink.AEAD, error) {
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("malformed hcvault key URI")
	}
	cfg := vault.DefaultConfig()
	if cfg.Error != nil {
		return nil, cfg.Error
	}
	cfg.Address = "https://" + u.Host
	client, err := vault.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	kc, err := hcvault.NewClientWithAEADOptions(uri, client.Logical())
	if err != nil {
		return nil, err
	}
	return kc.GetAEAD(uri)
}
