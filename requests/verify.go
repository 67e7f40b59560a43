package requests

import (
	"context"
	"errors"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/jurisdiction"
	"github.com/privet-dev/privet/policy"
)

// Verification levels.
const (
	LevelApp    = "app"         // the app vouches for its signed-in user
	LevelCode   = "code"        // a one-time code to the contact
	LevelPoints = "code+points" // a code and further matched data points
)

// RequiredPoints is how many data points must match the subject before a
// request of typ from place runs in full. California asks for a "reasonably
// high degree of certainty" (three points) for the specific pieces of
// information, and a "reasonable degree" (two) to know categories, delete or
// correct (Cal. Code Regs. tit. 11 §7062). A verified contact is one point.
func RequiredPoints(pol *policy.Compiled, place, typ string) int {
	law := pol.Law(place)
	if law == nil || law.Key != "US-CA" {
		return 1
	}
	switch jurisdiction.Right(typ) {
	case jurisdiction.RightAccess, jurisdiction.RightPortability:
		return 3
	case jurisdiction.RightKnow, jurisdiction.RightErasure, jurisdiction.RightRectification:
		return 2
	}
	return 1
}

// SendCode asks for a new verification code for a request still waiting
// for one (the last expired or was lost). The answer is the same whatever
// the request's state, so a status link reveals nothing by it.
func (s *Service) SendCode(ctx context.Context, token string) error {
	err := s.Store.Update(ctx, func(tx privet.Tx) error {
		r, err := tx.RequestByStatusToken(ctx, tokenHash(token))
		if err != nil {
			return err
		}
		if r.Status != privet.RequestPendingVerification || r.Verification.Locked {
			return nil
		}
		return notify(ctx, tx, r, TemplateVerify)
	})
	if errors.Is(err, privet.ErrNotFound) {
		return privet.Errorf(privet.ENOTFOUND, "no such request")
	}
	return err
}

// newCode makes a fresh code for r and stores its hash: called by the
// notification job as it sends the code, so the code exists in plaintext
// only on its way to the person.
func (s *Service) newCode(ctx context.Context, tenantID, id string) (string, *privet.Request, error) {
	code, hash := crypto.NewOTP(CodeDigits)
	var out *privet.Request
	err := s.Store.Update(ctx, func(tx privet.Tx) error {
		r, err := tx.Request(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if r.Status != privet.RequestPendingVerification || r.Verification.Locked {
			return nil
		}
		exp := s.now().Add(CodeLifetime)
		r.Verification.CodeHash, r.Verification.ExpiresAt, r.Verification.Attempts = hash, &exp, 0
		r.UpdatedAt = s.now()
		out = r
		return tx.UpdateRequest(ctx, r)
	})
	if out == nil {
		return "", nil, err
	}
	return code, out, err
}

// Verify checks a public request's code. Five wrong codes lock it; a code
// works once and for 15 minutes. On success the requester is matched to a
// subject through the blind index of the verified contact (and of the
// further data points given), and the request moves on; a requester no
// subject matches gets, later and by the same path, "no data found". The
// answer is the same either way.
func (s *Service) Verify(ctx context.Context, token, code string) (*privet.Request, error) {
	if !validCode(code) {
		return nil, privet.FieldError("code", "must be %d digits", CodeDigits)
	}
	var out *privet.Request
	var failed error
	err := s.Store.Update(ctx, func(tx privet.Tx) error {
		r, err := tx.RequestByStatusToken(ctx, tokenHash(token))
		if err != nil {
			return err
		}
		v := &r.Verification
		switch {
		case r.Status != privet.RequestPendingVerification:
			return privet.Errorf(privet.ECONFLICT, "the request is not waiting for a code")
		case v.Locked:
			return privet.Errorf(privet.ERATELIMIT, "too many wrong codes: the request is locked")
		case v.CodeHash == nil || v.ExpiresAt == nil || !s.now().Before(*v.ExpiresAt):
			return privet.FieldError("code", "the code expired; ask for a new one")
		}
		if !crypto.CheckOTP(v.CodeHash, code) {
			v.Attempts++
			failed = privet.FieldError("code", "wrong code")
			if v.Attempts >= MaxAttempts {
				v.Locked, v.CodeHash, v.ExpiresAt = true, nil, nil
				failed = privet.Errorf(privet.ERATELIMIT, "too many wrong codes: the request is locked")
			}
			r.UpdatedAt = s.now()
			// The attempt is counted even though the call fails.
			return tx.UpdateRequest(ctx, r)
		}
		pol, err := s.policy(ctx, r.TenantID)
		if err != nil {
			return err
		}
		now := s.now()
		v.CodeHash, v.ExpiresAt, v.VerifiedAt, v.Level, v.Points = nil, nil, &now, LevelCode, 1
		r.Status = privet.RequestOpen
		d := readDetails(r)
		if err := s.match(ctx, tx, pol, r, &d); err != nil {
			return err
		}
		out = r
		if err := s.audit(ctx, tx, privet.Actor{Type: privet.ActorSubject, ID: r.ID}, r, "request.verify", v.Level); err != nil {
			return err
		}
		if r.Status != privet.RequestOpen { // merged into an open one
			r.UpdatedAt = now
			writeDetails(r, d)
			return tx.UpdateRequest(ctx, r)
		}
		return s.advance(ctx, tx, pol, r, &d)
	})
	if errors.Is(err, privet.ErrNotFound) {
		return nil, privet.Errorf(privet.ENOTFOUND, "no such request")
	}
	if err == nil && failed != nil {
		return nil, failed
	}
	return out, err
}

// VerifyAsApp lets the company's app vouch for a public request: the
// requester signed in as subjectID. The request runs as if the app filed it.
func (s *Service) VerifyAsApp(ctx context.Context, actor privet.Actor, tenantID, id, subjectID string) (*privet.Request, error) {
	return s.change(ctx, tenantID, id, func(tx privet.Tx, pol *policy.Compiled, r *privet.Request, d *details) error {
		if err := wantStatus(r, privet.RequestPendingVerification); err != nil {
			return err
		}
		sub, err := tx.Subject(ctx, tenantID, subjectID)
		if err != nil || sub.Status == privet.StatusErased {
			return privet.FieldError("subject_id", "no such subject")
		}
		now := s.now()
		r.Verification = privet.RequestVerification{Level: LevelApp, VerifiedAt: &now}
		r.Status, r.SubjectID = privet.RequestOpen, subjectID
		if first, err := tx.OpenRequest(ctx, tenantID, subjectID, r.Type); err == nil {
			return s.merge(ctx, tx, r, d, first)
		}
		if err := s.audit(ctx, tx, actor, r, "request.verify", LevelApp); err != nil {
			return err
		}
		return s.step(ctx, tx, pol, r, d)
	})
}

// match finds the subject a verified public requester is, by the blind
// index of the contact and of each further data point, and sets the
// verification level. An access request not verified to the degree the law
// asks for specific pieces is answered with categories only.
func (s *Service) match(ctx context.Context, tx privet.Tx, pol *policy.Compiled, r *privet.Request, d *details) error {
	p, err := s.openPayload(ctx, r)
	if err != nil {
		return err
	}
	if p.Contact == "" {
		return nil
	}
	subjectID, err := tx.SubjectIDByIdentity(ctx, r.TenantID, p.ContactType, s.Master.BlindIndex(r.TenantID, string(p.ContactType), p.Contact))
	if errors.Is(err, privet.ErrNotFound) {
		return nil // no data found, told later like any answer
	} else if err != nil {
		return err
	}
	for _, pt := range p.Points {
		id, err := tx.SubjectIDByIdentity(ctx, r.TenantID, pt.Type, s.Master.BlindIndex(r.TenantID, string(pt.Type), pt.Value))
		if err == nil && id == subjectID {
			r.Verification.Points++
		}
	}
	if r.Verification.Points > 1 {
		r.Verification.Level = LevelPoints
	}
	r.SubjectID = subjectID
	if need := RequiredPoints(pol, r.Jurisdiction, r.Type); r.Verification.Points < need {
		switch jurisdiction.Right(r.Type) {
		case jurisdiction.RightAccess, jurisdiction.RightPortability:
			d.Scope = "categories" // Cal. Code Regs. tit. 11 §7062(e)
		default:
			return s.deny(ctx, tx, r, DenyUnverified)
		}
	}
	if first, err := tx.OpenRequest(ctx, r.TenantID, subjectID, r.Type); err == nil && first.ID != r.ID {
		return s.merge(ctx, tx, r, d, first)
	}
	return nil
}

// merge closes r as a duplicate of the subject's open request first, and
// tells the requester that the open one answers it.
func (s *Service) merge(ctx context.Context, tx privet.Tx, r *privet.Request, d *details, first *privet.Request) error {
	now := s.now()
	d.MergedInto = first.ID
	r.Status, r.Outcome, r.CompletedAt = privet.RequestCompleted, privet.OutcomeDuplicate, &now
	return notify(ctx, tx, r, TemplateCompleted)
}

func validCode(code string) bool {
	if len(code) != CodeDigits {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}

// StatusView is what a status link shows: nothing about the person.
type StatusView struct {
	ID             string               `json:"id"`
	Type           string               `json:"type"`
	Status         privet.RequestStatus `json:"status"`
	ReceivedAt     time.Time            `json:"received_at"`
	DueAt          time.Time            `json:"due_at"`
	Outcome        string               `json:"outcome,omitempty"`
	DenyReason     string               `json:"deny_reason,omitempty"`
	Fee            string               `json:"fee,omitempty"`
	PackageExpires *time.Time           `json:"package_expires,omitempty"`
}

// Status returns what a request's status link shows. A tampered or unknown
// token is ENOTFOUND.
func (s *Service) Status(ctx context.Context, token string) (*StatusView, error) {
	r, err := s.byStatusToken(ctx, token)
	if err != nil {
		return nil, err
	}
	d := readDetails(r)
	v := &StatusView{ID: r.ID, Type: r.Type, Status: r.Status, ReceivedAt: r.ReceivedAt, DueAt: r.DueAt,
		Outcome: r.Outcome, DenyReason: r.DenyReason, PackageExpires: d.PackageExpires}
	if r.Fee != nil {
		v.Fee = r.Fee.Amount
	}
	return v, nil
}

// byStatusToken finds the request a status link names. A tampered or
// unknown token is ENOTFOUND, saying nothing more.
func (s *Service) byStatusToken(ctx context.Context, token string) (*privet.Request, error) {
	var r *privet.Request
	err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		r, err = tx.RequestByStatusToken(ctx, tokenHash(token))
		return err
	})
	if errors.Is(err, privet.ErrNotFound) {
		return nil, privet.Errorf(privet.ENOTFOUND, "no such request")
	}
	return r, err
}
