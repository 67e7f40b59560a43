package crypto

import "encoding/binary"

// appendField appends s with a 4-byte big-endian length prefix. Length
// prefixes make a concatenation of fields unambiguous: ("ab","c") and
// ("a","bc") encode differently, so no two (tenant, subject, field) triples
// share associated data or a blind-index input.
func appendField(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// boundData builds length-prefixed bytes from a domain label and its fields. The
// label keeps the uses of one key apart: data-key wrapping, field encryption
// and signing-key wrapping never accept each other's associated data.
func boundData(label string, fields ...string) []byte {
	n := 4 + len(label)
	for _, f := range fields {
		n += 4 + len(f)
	}
	b := make([]byte, 0, n)
	b = appendField(b, label)
	for _, f := range fields {
		b = appendField(b, f)
	}
	return b
}

// Domain labels for associated data and keyed hashes.
const (
	labelDataKey    = "privet/data-key/v1"
	labelField      = "privet/field/v1"
	labelSigningKey = "privet/signing-key/v1"
	labelBlindIndex = "privet/blind-index/v1"
	labelDerive     = "privet/derive/v1"
	labelMasterAEAD = "privet/master/aead/v1"
	labelMasterIdx  = "privet/master/index/v1"
	labelPackageKey = "privet/package-key/v1"
	labelPackage    = "privet/package/v1"
)

// FieldAAD returns the associated data for sealing one field of one subject.
// A ciphertext sealed with it opens only for the same tenant, subject and
// field name.
func FieldAAD(tenantID, subjectID, field string) []byte {
	return boundData(labelField, tenantID, subjectID, field)
}
