// Package transfer answers the question asked before personal data leaves
// the service: may recipient R receive categories X of subject S for purpose
// P now? The answer comes from the policy's recipients register, its storage
// locations, the law where the subject is, and, where that law asks for a
// separate consent to a transfer abroad, the consent ledger. Every allowed
// disclosure is written to the audit log, so a subject's access history and
// "right to know" reports are built from the log alone.
package transfer

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/policy"
)

// ActionDisclose is the audit action of a transfer check. An allowed check
// is a disclosure: Result ok, Purpose and Categories as checked, and Reason
// "recipient:<key>". A denied check has Result denied and Reason
// "recipient:<key>;<reason code>". Recipient keys and reason codes are the
// policy's and this package's words, never personal data.
const ActionDisclose = "recipient.disclose"

// Reason codes of a check. They are stable: apps match on them.
const (
	ReasonAllowed              = "allowed"                // every rule passed: the disclosure is recorded
	ReasonUndeclaredRecipient  = "undeclared_recipient"   // the policy declares no such recipient
	ReasonPurposeNotDeclared   = "purpose_not_declared"   // the recipient is not declared for the purpose
	ReasonCategoryNotDeclared  = "category_not_declared"  // a category is not declared for the recipient
	ReasonIdentifiedData       = "identified_data"        // the recipient receives de-identified data only
	ReasonRestricted           = "restricted"             // the subject's processing is restricted
	ReasonPurposeDenied        = "purpose_denied"         // the consent decision denies the purpose for the subject
	ReasonNoTransferMechanism  = "no_transfer_mechanism"  // a transfer abroad and no mechanism declared
	ReasonMechanismNotAccepted = "mechanism_not_accepted" // the subject's law does not accept the mechanism
	ReasonNoTransferConsent    = "no_transfer_consent"    // the law asks for separate consent, none current
)

// Decider answers consent decisions; *consent.Service fits.
type Decider interface {
	Decide(ctx context.Context, tenantID string, in consent.DecideInput) (consent.Decision, error)
}

// Service checks and records disclosures to recipients.
type Service struct {
	Store    privet.Store
	Policies consent.Policies
	Consent  Decider
	Clock    privet.Clock
}

func (s *Service) now() privet.Clock { return privet.ClockOr(s.Clock) }

func (s *Service) policy(ctx context.Context, tenantID string) (*policy.Compiled, error) {
	if s.Policies == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "no policy is loaded")
	}
	return s.Policies.Policy(ctx, tenantID)
}
