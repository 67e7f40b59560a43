package disclosure

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/vault"
)

// LegalBases are what may compel a disclosure to an authority.
var LegalBases = []string{"subpoena", "court_order", "warrant", "statute", "regulator_request"}

// referencePattern keeps references to case-number shapes.
var referencePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:#/-]{0,63}$`)

// ValidReference reports whether s may be stored as a reference.
func ValidReference(s string) bool { return s == "" || referencePattern.MatchString(s) }

// AuthorityInput records a disclosure to an authority.
type AuthorityInput struct {
	SubjectID  string   `json:"subject_id"`
	Recipient  string   `json:"recipient"`
	LegalBasis string   `json:"legal_basis"`
	Reference  string   `json:"reference,omitempty"`
	Categories []string `json:"categories"`
	// Gag records that the law forbids telling the person (a statute, a
	// subpoena or an order): no notice is sent until the gag is lifted.
	Gag bool `json:"gag,omitempty"`
}

// DiscloseToAuthority records a disclosure to a recipient the policy
// declares as an authority and, unless gagged, enqueues the notice to the
// person in the same transaction. EINVALID names the field at fault;
// ENOTFOUND for a subject not the tenant's.
//
// It is audited as ActionAuthority, not as a routine transfer: a gagged
// disclosure must not surface in the reports the person can ask for.
func (s *Service) DiscloseToAuthority(ctx context.Context, actor privet.Actor, tenantID string, in AuthorityInput) (*privet.AuthorityDisclosure, error) {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	r, ok := pol.Recipient(in.Recipient)
	switch {
	case in.SubjectID == "" || len(in.SubjectID) > 64:
		return nil, privet.FieldError("subject_id", "required, at most 64 characters")
	case !ok:
		return nil, privet.FieldError("recipient", "the policy declares no such recipient")
	case r.Type != "authority":
		return nil, privet.FieldError("recipient", "the recipient is not declared as an authority")
	case !slices.Contains(LegalBases, in.LegalBasis):
		return nil, privet.FieldError("legal_basis", "want one of %v", LegalBases)
	case !ValidReference(in.Reference):
		return nil, privet.FieldError("reference", "want a case reference: letters, digits and . _ : # / -, at most 64")
	case len(in.Categories) == 0 || len(in.Categories) > 100:
		return nil, privet.FieldError("categories", "name between 1 and 100 categories")
	}
	for i, c := range in.Categories {
		if !coveredBy(c, r.Categories) {
			return nil, privet.FieldError(fmt.Sprintf("categories[%d]", i), "not declared for the recipient")
		}
	}
	now := s.now()
	d := &privet.AuthorityDisclosure{
		ID: privet.NewID(privet.PrefixDisclosure), TenantID: tenantID, SubjectID: in.SubjectID, Recipient: in.Recipient,
		LegalBasis: in.LegalBasis, Reference: in.Reference, Categories: slices.Clone(in.Categories), DisclosedAt: now,
		Gag: in.Gag, Notice: privet.NoticePending,
	}
	if d.Gag {
		d.Notice = privet.NoticeWithheld
	}
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		sub, err := tx.Subject(ctx, tenantID, in.SubjectID)
		if err != nil {
			return err
		}
		if sub.Status == privet.StatusErased {
			return privet.Errorf(privet.ENOTFOUND, "subject not found")
		}
		if err := tx.CreateAuthorityDisclosure(ctx, d); err != nil {
			return err
		}
		ev := actor.Event(tenantID, ActionAuthority, now)
		ev.SubjectID, ev.Categories, ev.Reason = d.SubjectID, d.Categories, "recipient:"+d.Recipient+";"+d.ID
		if r.Purposes != nil {
			ev.Purpose = r.Purposes[0]
		}
		if err := tx.AppendAudit(ctx, ev); err != nil {
			return err
		}
		if d.Gag {
			return nil
		}
		return tx.Enqueue(ctx, NoticeJob{TenantID: tenantID, DisclosureID: d.ID})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// LiftGag records that the law no longer forbids the notice and enqueues
// it. ECONFLICT if the disclosure is not gagged.
func (s *Service) LiftGag(ctx context.Context, actor privet.Actor, tenantID, id string) (*privet.AuthorityDisclosure, error) {
	now := s.now()
	var d *privet.AuthorityDisclosure
	err := s.Store.Update(ctx, func(tx privet.Tx) error {
		var err error
		if d, err = tx.AuthorityDisclosure(ctx, tenantID, id); err != nil {
			return err
		}
		if !d.Gag {
			return privet.Errorf(privet.ECONFLICT, "the disclosure is not gagged")
		}
		d.Gag, d.Notice = false, privet.NoticePending
		if err := tx.UpdateAuthorityNotice(ctx, d); err != nil {
			return err
		}
		ev := actor.Event(tenantID, ActionLiftGag, now)
		ev.SubjectID, ev.Reason = d.SubjectID, d.ID
		if err := tx.AppendAudit(ctx, ev); err != nil {
			return err
		}
		return tx.Enqueue(ctx, NoticeJob{TenantID: tenantID, DisclosureID: d.ID})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// AuthorityDisclosures lists a subject's disclosures to authorities, gagged
// ones included: this is the operator's register, not the person's report.
func (s *Service) AuthorityDisclosures(ctx context.Context, tenantID, subjectID string) ([]*privet.AuthorityDisclosure, error) {
	var out []*privet.AuthorityDisclosure
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		if _, err := tx.Subject(ctx, tenantID, subjectID); err != nil {
			return err
		}
		var err error
		out, err = tx.AuthorityDisclosures(ctx, tenantID, subjectID)
		return err
	})
	return out, err
}

// SendNotice is NoticeJob's work: tell the person of the disclosure (by
// email, else by text message), then record the notice sent, or no_address
// when the person has no address the notice purpose may read. It is
// idempotent: a notice already sent, or withheld by a gag, is not sent.
// Delivery is at least once: a crash between the send and the record sends
// it again.
func (s *Service) SendNotice(ctx context.Context, job NoticeJob) error {
	if s.Reacher == nil || s.Renderer == nil {
		return privet.Errorf(privet.EUNAVAILABLE, "no email or text message sender is configured for notices")
	}
	var d *privet.AuthorityDisclosure
	if err := s.Store.View(ctx, func(tx privet.Tx) error {
		var err error
		d, err = tx.AuthorityDisclosure(ctx, job.TenantID, job.DisclosureID)
		return err
	}); err != nil {
		return err
	}
	if d.Notice != privet.NoticePending || d.Gag {
		return nil
	}
	pol, err := s.Policies.Policy(ctx, job.TenantID)
	if err != nil {
		return err
	}
	purpose, err := vault.NoticePurpose(pol, s.NoticePurpose)
	if err != nil {
		return err
	}
	n := Notice{Service: pol.Policy.Service, Controller: pol.Policy.Controller.Name, Authority: d.Recipient, LegalBasis: d.LegalBasis,
		Reference: d.Reference, Categories: d.Categories, DisclosedAt: d.DisclosedAt, PolicyContact: pol.Policy.Controller.Email}
	if r, ok := pol.Recipient(d.Recipient); ok {
		n.Authority = r.Name
	}
	msg, err := s.Renderer.AuthorityNotice(ctx, n)
	if err != nil {
		return err
	}
	actor := privet.Actor{Type: privet.ActorSystem, ID: NoticeJob{}.Kind()}
	channel, err := s.Reacher.Reach(ctx, actor, job.TenantID, d.SubjectID, purpose, msg)
	if err != nil {
		return err
	}
	now := s.now()
	return s.Store.Update(ctx, func(tx privet.Tx) error {
		d.Notice, d.NoticeSentAt = privet.NoticeSent, &now
		if channel == privet.ChannelNone {
			d.Notice, d.NoticeSentAt = privet.NoticeNoAddress, nil
		}
		if err := tx.UpdateAuthorityNotice(ctx, d); err != nil {
			return err
		}
		ev := actor.Event(job.TenantID, ActionNotice, now)
		ev.SubjectID, ev.Reason = d.SubjectID, d.ID+"; by "+string(channel)
		if channel == privet.ChannelNone {
			ev.Reason = d.ID + "; no address"
		}
		return tx.AppendAudit(ctx, ev)
	})
}

// TextRenderer is a plain-text Renderer, for deployments without the
// notify package's templates.
type TextRenderer struct{}

// AuthorityNotice renders n as a short plain-text email.
func (TextRenderer) AuthorityNotice(_ context.Context, n Notice) (notify.Message, error) {
	text := fmt.Sprintf("%s disclosed personal data about you to %s on %s.\n\nLegal basis: %s\n",
		n.Controller, n.Authority, n.DisclosedAt.Format("2 January 2006"), n.LegalBasis)
	if n.Reference != "" {
		text += "Reference: " + n.Reference + "\n"
	}
	text += "Data categories: "
	for i, c := range n.Categories {
		if i > 0 {
			text += ", "
		}
		text += c
	}
	text += "\n\nQuestions: " + n.PolicyContact + "\n"
	sms := fmt.Sprintf("%s disclosed personal data about you to %s on %s (legal basis: %s).",
		n.Controller, n.Authority, n.DisclosedAt.Format("2 January 2006"), n.LegalBasis)
	if n.Reference != "" {
		sms += " Reference: " + n.Reference + "."
	}
	if n.PolicyContact != "" {
		sms += " Questions: " + n.PolicyContact
	}
	return notify.Message{Subject: "We disclosed your data to an authority", Text: text, SMS: sms}, nil
}
