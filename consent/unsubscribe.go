package consent

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
)

// Unsubscribe link lifetimes. A link lives in an email that may be read
// weeks later, so the default is generous; the maximum bounds how long a
// leaked link keeps working.
const (
	DefaultUnsubscribeTTL = 60 * 24 * time.Hour
	MaxUnsubscribeTTL     = 366 * 24 * time.Hour
)

// unsubscribeKeyPurpose names the derived key that signs unsubscribe links
// (crypto.Master.SignLink): its own key, so no other signed value can pass
// for an unsubscribe link.
const unsubscribeKeyPurpose = "unsubscribe-links"

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
	return s.Master.SignLink(unsubscribeKeyPurpose, []string{l.TenantID, l.SubjectID, l.Purpose}, l.Expires)
}

// ParseUnsubscribeToken checks a token's signature and expiry and returns
// what it carries. Every failure is the same EINVALID error on field
// "token"; the signature is checked before anything in the token is read.
func (s *Service) ParseUnsubscribeToken(token string) (UnsubscribeLink, error) {
	f, expires, ok := s.Master.VerifyLink(unsubscribeKeyPurpose, token, 3)
	if !ok || !s.now().Before(expires) {
		return UnsubscribeLink{}, errBadLink()
	}
	return UnsubscribeLink{TenantID: f[0], SubjectID: f[1], Purpose: f[2], Expires: expires}, nil
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
