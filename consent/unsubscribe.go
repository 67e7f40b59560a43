package consent

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
)

// Unsubscribe link lifetimes. A link lives in an email that may be read
// weeks later, so the default is generous; the maximum bounds how long a
// leaked link keeps working.
const (
	DefaultUnsubscribeTTL = 60 * 24 * time.Hour
	MaxUnsubscribeTTL     = 366 * 24 * time.Hour
)

// unsubscribeKeyPurpose names the derived key that signs unsubscribe links:
// its own key, so no other signed value can pass for a link.
const unsubscribeKeyPurpose = "unsubscribe-links"

// tokenVersion is the first byte of every token, so the format can change
// without old links being misread.
const tokenVersion = 1

// maxTokenLen bounds the encoded token before any decoding: ids and a
// purpose key fit in far less.
const maxTokenLen = 1024

// UnsubscribeLink is what an unsubscribe token carries: pseudonymous ids, a
// purpose and an expiry, never an email address.
type UnsubscribeLink struct {
	TenantID  string
	SubjectID string
	Purpose   string
	Expires   time.Time
}

// errBadLink is the one answer to every forged, tampered, malformed or
// expired token: telling them apart would help a forger.
func errBadLink() error {
	return privet.FieldError("token", "the unsubscribe link is invalid or has expired")
}

// UnsubscribeToken signs a one-click unsubscribe token for the subject and
// purpose, valid for ttl (0 means DefaultUnsubscribeTTL). EINVALID for an
// undeclared purpose or a ttl out of range, ENOTFOUND for an unknown subject.
func (s *Service) UnsubscribeToken(ctx context.Context, tenantID, subjectID, purpose string, ttl time.Duration) (string, time.Time, error) {
	if ttl == 0 {
		ttl = DefaultUnsubscribeTTL
	}
	if ttl < time.Minute || ttl > MaxUnsubscribeTTL {
		return "", time.Time{}, privet.FieldError("ttl", "must be between one minute and 366 days")
	}
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return "", time.Time{}, err
	}
	if _, ok := pol.Purpose(purpose); !ok {
		return "", time.Time{}, privet.FieldError("purpose", "the policy declares no such purpose")
	}
	if subjectID == "" {
		return "", time.Time{}, privet.FieldError("subject_id", "a subject is required")
	}
	err = s.Store.View(ctx, func(tx privet.Tx) error {
		_, err := liveSubject(ctx, tx, tenantID, subjectID)
		return err
	})
	if err != nil {
		return "", time.Time{}, err
	}
	l := UnsubscribeLink{TenantID: tenantID, SubjectID: subjectID, Purpose: purpose, Expires: s.now().Add(ttl).Truncate(time.Second)}
	return s.signLink(l), l.Expires, nil
}

func (s *Service) signLink(l UnsubscribeLink) string {
	payload := encodeLink(l)
	mac := crypto.MAC(s.Master.DeriveKey(unsubscribeKeyPurpose), payload)
	return base64.RawURLEncoding.EncodeToString(append(payload, mac...))
}

// encodeLink lays a link out as the version, the three strings each after
// its length (so no separator can be smuggled into an id) and the expiry.
func encodeLink(l UnsubscribeLink) []byte {
	p := []byte{tokenVersion}
	for _, f := range []string{l.TenantID, l.SubjectID, l.Purpose} {
		p = binary.AppendUvarint(p, uint64(len(f)))
		p = append(p, f...)
	}
	return binary.BigEndian.AppendUint64(p, uint64(l.Expires.Unix()))
}

// ParseUnsubscribeToken checks a token's signature and expiry and returns
// what it carries. Every failure is the same EINVALID error on field
// "token"; the signature is checked before anything in the token is read.
func (s *Service) ParseUnsubscribeToken(token string) (UnsubscribeLink, error) {
	raw, err := s.verifyToken(token)
	if err != nil {
		return UnsubscribeLink{}, err
	}
	l, ok := decodeLink(raw)
	if !ok || !s.now().Before(l.Expires) {
		return UnsubscribeLink{}, errBadLink()
	}
	return l, nil
}

// verifyToken returns the signed payload of a token whose MAC is right.
func (s *Service) verifyToken(token string) ([]byte, error) {
	if len(token) > maxTokenLen {
		return nil, errBadLink()
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) < 1+crypto.BlindIndexSize {
		return nil, errBadLink()
	}
	payload, mac := raw[:len(raw)-crypto.BlindIndexSize], raw[len(raw)-crypto.BlindIndexSize:]
	if !crypto.EqualMAC(mac, crypto.MAC(s.Master.DeriveKey(unsubscribeKeyPurpose), payload)) {
		return nil, errBadLink()
	}
	return payload, nil
}

// decodeLink reads a payload; it is a parser of bytes only the server
// wrote, but it must still never panic on any input.
func decodeLink(p []byte) (UnsubscribeLink, bool) {
	if len(p) == 0 || p[0] != tokenVersion {
		return UnsubscribeLink{}, false
	}
	p = p[1:]
	var fields [3]string
	for i := range fields {
		n, size := binary.Uvarint(p)
		// A longer encoding than needed would let two payloads mean one link.
		if size <= 0 || size != len(binary.AppendUvarint(nil, n)) || n > uint64(len(p)-size) {
			return UnsubscribeLink{}, false
		}
		fields[i] = string(p[size : size+int(n)])
		p = p[size+int(n):]
	}
	if len(p) != 8 || fields[0] == "" || fields[1] == "" || fields[2] == "" {
		return UnsubscribeLink{}, false
	}
	exp := int64(binary.BigEndian.Uint64(p))
	return UnsubscribeLink{TenantID: fields[0], SubjectID: fields[1], Purpose: fields[2], Expires: time.Unix(exp, 0).UTC()}, true
}

// UnsubscribeInput is a one-click unsubscribe as it arrives.
type UnsubscribeInput struct {
	Token string
	// UserAgent and IP are kept as evidence (the IP truncated).
	UserAgent string
	IP        string
}

// Unsubscribe records the withdrawal a valid token asks for, as the
// subject's own choice from an email link, and returns the event once it
// has committed. A bad token is EINVALID on field "token" and records
// nothing; a purpose the policy no longer declares is the same error, since
// the link can no longer be honoured as written.
func (s *Service) Unsubscribe(ctx context.Context, in UnsubscribeInput) (*privet.ConsentEvent, error) {
	l, err := s.ParseUnsubscribeToken(in.Token)
	if err != nil {
		return nil, err
	}
	ev, err := s.Record(ctx, privet.Actor{Type: privet.ActorSubject, ID: l.SubjectID}, l.TenantID, RecordInput{
		Party: Party{SubjectID: l.SubjectID}, Purpose: l.Purpose,
		State: privet.StateWithdrawn, Source: privet.SourceEmailLink, UserAgent: in.UserAgent, IP: in.IP,
	})
	if privet.ErrorField(err) == "purpose" {
		return nil, errBadLink()
	}
	return ev, err
}
