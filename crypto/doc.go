// Package crypto holds every key privet uses and every operation on them:
// the master keyset (a local file or a KMS-protected file), per-subject data
// keys wrapped by the master key (envelope encryption), per-package streaming
// keys for access packages, the keyed blind index that finds identities
// without decrypting them, tenant signing keys and JWS, and the secrets people
// and programs present (API keys, passwords, one-time codes, signed links).
//
// Encryption is Tink AES-256-GCM with a fresh random nonce per call. Associated
// data binds every ciphertext to its tenant, subject and field, so a value
// copied to another row fails to open instead of being read as someone else's.
//
// Errors a caller can see are *privet.Error values whose messages never hold
// key material or personal data.
package crypto
