package crypto

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/privet-dev/privet"
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/streamingaead"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// typeURLStreaming is the only key type a package key may hold.
const typeURLStreaming = "type.googleapis.com/google.crypto.tink.AesGcmHkdfStreamingKey"

// PackageKey is the key of one export package, opened in memory: a Tink
// streaming AEAD (AES-256-GCM-HKDF, 1 MiB segments), so a package of any
// size is encrypted and decrypted a segment at a time, and each segment is
// authenticated on its own (a tampered, reordered or truncated package fails
// at the first segment touched).
type PackageKey struct {
	s   tink.StreamingAEAD
	aad []byte
}

// NewPackageKey creates a fresh key for one package and returns it with its
// wrapped form (encrypted by the master key, bound to tenant and package).
// Only the wrapped form may be stored.
func (m *Master) NewPackageKey(tenantID, packageID string) (*PackageKey, []byte, error) {
	h, err := keyset.NewHandle(streamingaead.AES256GCMHKDF1MBKeyTemplate())
	if err != nil {
		return nil, nil, fmt.Errorf("crypto: new package key: %w", err)
	}
	s, err := streamingaead.New(h)
	if err != nil {
		return nil, nil, fmt.Errorf("crypto: new package key: %w", err)
	}
	var buf bytes.Buffer
	if err := insecurecleartextkeyset.Write(h, keyset.NewBinaryWriter(&buf)); err != nil {
		return nil, nil, fmt.Errorf("crypto: serialize package key: %w", err)
	}
	defer clear(buf.Bytes())
	wrapped, _, err := m.wrap(buf.Bytes(), boundData(labelPackageKey, tenantID, packageID))
	if err != nil {
		return nil, nil, err
	}
	return &PackageKey{s: s, aad: boundData(labelPackage, tenantID, packageID)}, wrapped, nil
}

// OpenPackageKey unwraps a package's key. A key wrapped for another tenant
// or package, or altered, fails with EINTEGRITY.
func (m *Master) OpenPackageKey(tenantID, packageID string, wrapped []byte) (*PackageKey, error) {
	serialized, err := m.unwrap(wrapped, boundData(labelPackageKey, tenantID, packageID))
	if err != nil {
		return nil, err
	}
	defer clear(serialized)
	h, err := insecurecleartextkeyset.Read(keyset.NewBinaryReader(bytes.NewReader(serialized)))
	if err != nil {
		return nil, privet.Errorf(privet.EINTEGRITY, "package key is malformed")
	}
	if err := checkKeyTypes(h, typeURLStreaming); err != nil {
		return nil, privet.Errorf(privet.EINTEGRITY, "package key has an unexpected key type")
	}
	s, err := streamingaead.New(h)
	if err != nil {
		return nil, privet.Errorf(privet.EINTEGRITY, "package key is unusable")
	}
	return &PackageKey{s: s, aad: boundData(labelPackage, tenantID, packageID)}, nil
}

// Encrypt returns a writer that encrypts what is written to it into w. The
// ciphertext is complete only once Close returns nil.
func (k *PackageKey) Encrypt(w io.Writer) (io.WriteCloser, error) {
	ew, err := k.s.NewEncryptingWriter(w, k.aad)
	if err != nil {
		return nil, fmt.Errorf("crypto: encrypt package: %w", err)
	}
	return ew, nil
}

// Decrypt returns a reader of the plaintext of the ciphertext read from r.
// A read fails with EINTEGRITY at the first segment that fails
// authentication, so what was read before it is all that was authentic.
func (k *PackageKey) Decrypt(r io.Reader) io.Reader {
	return &decryptReader{k: k, src: r}
}

// decryptReader opens Tink's reader on the first Read, since opening reads
// the header, and turns every authentication failure into EINTEGRITY while
// letting the source's own errors (a database error) through unchanged.
type decryptReader struct {
	k   *PackageKey
	src io.Reader
	r   io.Reader
	err error // the source's last error, told apart from Tink's
}

func (d *decryptReader) Read(p []byte) (int, error) {
	if d.r == nil {
		r, err := d.k.s.NewDecryptingReader(sourceReader{d}, d.k.aad)
		if err != nil {
			return 0, d.fail(err)
		}
		d.r = r
	}
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		return n, d.fail(err)
	}
	return n, err
}

func (d *decryptReader) fail(err error) error {
	if d.err != nil && !errors.Is(d.err, io.EOF) {
		return d.err
	}
	return privet.Errorf(privet.EINTEGRITY, "package failed authentication")
}

// sourceReader records the source's errors for fail.
type sourceReader struct{ d *decryptReader }

func (s sourceReader) Read(p []byte) (int, error) {
	n, err := s.d.src.Read(p)
	if err != nil {
		s.d.err = err
	}
	return n, err
}
