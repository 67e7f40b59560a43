package transfer

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/jurisdiction"
	"github.com/privet-dev/privet/policy"
)

// MaxCategories is the most categories one check names.
const MaxCategories = 100

// chapterV lists the mechanisms GDPR Chapter V (and the UK GDPR) accepts for
// a systematic transfer: an adequacy decision (Art. 45), standard
// contractual clauses, binding corporate rules or a certification (Art. 46,
// 47). Consent and the other Art. 49 derogations cover occasional transfers
// only, so a check, which stands for routine sharing, refuses them.
var chapterV = []string{"adequacy", "scc", "bcr", "certification"}

// CheckInput asks whether a disclosure may happen now.
type CheckInput struct {
	SubjectID  string
	Recipient  string
	Purpose    string
	Categories []string
	// DeIdentified says the data sent is de-identified: a recipient the
	// policy marks de_identified receives nothing else.
	DeIdentified bool
}

// CheckResult answers a check. Reason is one of the Reason codes.
type CheckResult struct {
	SubjectID  string   `json:"subject_id"`
	Recipient  string   `json:"recipient"`
	Purpose    string   `json:"purpose"`
	Categories []string `json:"categories"`
	Allowed    bool     `json:"allowed"`
	Reason     string   `json:"reason"`
	// Field names the input at fault for a denial about the input, e.g.
	// "categories[1]" for a category the recipient is not declared for.
	Field string `json:"field,omitempty"`
	// CrossBorder says the recipient is outside every storage location, or
	// outside the EU (UK) for a person under the GDPR (UK GDPR).
	CrossBorder bool `json:"cross_border"`
	// Mechanism is the recipient's declared transfer mechanism.
	Mechanism string `json:"mechanism,omitempty"`
	// ConsentPurpose and ConsentReason show the consent decision taken
	// where the law asks for separate consent to a transfer abroad.
	ConsentPurpose string `json:"consent_purpose,omitempty"`
	ConsentReason  string `json:"consent_reason,omitempty"`
}

func (in *CheckInput) validate() error {
	switch {
	case in.SubjectID == "":
		return privet.FieldError("subject_id", "required")
	case len(in.SubjectID) > 64:
		return privet.FieldError("subject_id", "too long")
	case in.Recipient == "":
		return privet.FieldError("recipient", "required")
	case len(in.Recipient) > 200:
		return privet.FieldError("recipient", "too long")
	case in.Purpose == "":
		return privet.FieldError("purpose", "required")
	case len(in.Purpose) > 200:
		return privet.FieldError("purpose", "too long")
	case len(in.Categories) == 0:
		return privet.FieldError("categories", "name at least one category")
	case len(in.Categories) > MaxCategories:
		return privet.FieldError("categories", "at most %d categories", MaxCategories)
	}
	for i, c := range in.Categories {
		if c == "" || len(c) > 200 {
			return privet.FieldError(fmt.Sprintf("categories[%d]", i), "want a category key")
		}
	}
	return nil
}

// Check decides whether the disclosure may happen now and records it in the
// audit log: an allowed check is the disclosure's record, a denied one the
// record of a refusal. EINVALID names the field at fault; ENOTFOUND for a
// subject that does not exist (or not in this tenant).
func (s *Service) Check(ctx context.Context, actor privet.Actor, tenantID string, in CheckInput) (CheckResult, error) {
	if err := in.validate(); err != nil {
		return CheckResult{}, err
	}
	pol, err := s.policy(ctx, tenantID)
	if err != nil {
		return CheckResult{}, err
	}
	if s.Consent == nil {
		return CheckResult{}, privet.Errorf(privet.EUNAVAILABLE, "no consent service: transfers cannot be checked")
	}
	var sub *privet.Subject
	err = s.Store.View(ctx, func(tx privet.Tx) error {
		sub, err = tx.Subject(ctx, tenantID, in.SubjectID)
		return err
	})
	if err != nil {
		return CheckResult{}, err
	}
	if sub.Status == privet.StatusErased {
		return CheckResult{}, privet.Errorf(privet.ENOTFOUND, "subject not found")
	}
	d, err := s.decide(ctx, tenantID, pol, sub, in)
	if err != nil {
		return CheckResult{}, err
	}
	ev := actor.Event(tenantID, ActionDisclose, s.now().Now())
	ev.SubjectID = sub.ID
	// Only the policy's own keys enter the log: an undeclared key is the
	// caller's text and could hold anything.
	if _, ok := pol.Purpose(in.Purpose); ok {
		ev.Purpose = in.Purpose
	}
	for _, c := range in.Categories {
		if pol.Collects(c) {
			ev.Categories = append(ev.Categories, c)
		}
	}
	recipient := ""
	if _, ok := pol.Recipient(in.Recipient); ok {
		recipient = in.Recipient
	}
	ev.Reason = "recipient:" + recipient
	if !d.Allowed {
		ev.Result = privet.ResultDenied
		ev.Reason += ";" + d.Reason
	}
	if err := s.Store.Update(ctx, func(tx privet.Tx) error { return tx.AppendAudit(ctx, ev) }); err != nil {
		return CheckResult{}, err
	}
	return d, nil
}

// decide applies the rules, the policy's own declarations first, then the
// law where the subject is.
func (s *Service) decide(ctx context.Context, tenantID string, pol *policy.Compiled, sub *privet.Subject, in CheckInput) (CheckResult, error) {
	d := CheckResult{SubjectID: sub.ID, Recipient: in.Recipient, Purpose: in.Purpose, Categories: slices.Clone(in.Categories)}
	deny := func(reason, field string) (CheckResult, error) {
		d.Reason, d.Field = reason, field
		return d, nil
	}
	r, ok := pol.Recipient(in.Recipient)
	if !ok {
		return deny(ReasonUndeclaredRecipient, "recipient")
	}
	d.Mechanism = r.Transfer
	if !coveredBy(in.Purpose, r.Purposes) {
		return deny(ReasonPurposeNotDeclared, "purpose")
	}
	for i, c := range in.Categories {
		if !coveredBy(c, r.Categories) {
			return deny(ReasonCategoryNotDeclared, fmt.Sprintf("categories[%d]", i))
		}
	}
	if r.DeIdentified && !in.DeIdentified {
		return deny(ReasonIdentifiedData, "de_identified")
	}
	if sub.Status == privet.StatusRestricted && !pol.AllowedWhileRestricted(in.Purpose) {
		return deny(ReasonRestricted, "")
	}
	// What the policy and the law rule out comes first: no choice of the
	// person can cure a missing or unaccepted transfer mechanism.
	law := pol.Law(sub.Jurisdiction)
	d.CrossBorder = Abroad(pol, r.Country) || leavesGDPR(pol, law, r.Country)
	if d.CrossBorder {
		if r.Transfer == "" {
			return deny(ReasonNoTransferMechanism, "")
		}
		if law != nil && (law.Key == "EU" || law.Key == "UK") && !slices.Contains(chapterV, r.Transfer) {
			return deny(ReasonMechanismNotAccepted, "")
		}
	}
	// Sharing serves a purpose, and the person's choices about it bind the
	// recipient too: a refused consent, an opt-out of sale or a GPC signal.
	pd, err := s.Consent.Decide(ctx, tenantID, consent.DecideInput{Party: consent.Party{SubjectID: sub.ID}, Purpose: in.Purpose})
	if err != nil {
		return CheckResult{}, err
	}
	if !pd.Allowed {
		d.ConsentPurpose, d.ConsentReason = in.Purpose, pd.Reason
		return deny(ReasonPurposeDenied, "")
	}
	if d.CrossBorder && ((law != nil && law.CrossBorderConsent) || r.Transfer == "consent") {
		d.ConsentPurpose = r.ConsentPurpose
		if d.ConsentPurpose == "" {
			d.ConsentPurpose = in.Purpose
		}
		cd, err := s.Consent.Decide(ctx, tenantID, consent.DecideInput{Party: consent.Party{SubjectID: sub.ID}, Purpose: d.ConsentPurpose, Explicit: true})
		if err != nil {
			return CheckResult{}, err
		}
		d.ConsentReason = cd.Reason
		// Only a consent the person gave counts: a purpose allowed on
		// notice or because nobody objected is no separate consent.
		if !cd.Allowed || cd.Reason != consent.ReasonConsentGiven {
			return deny(ReasonNoTransferConsent, "")
		}
	}
	d.Allowed, d.Reason = true, ReasonAllowed
	return d, nil
}

// Abroad reports whether data reaching a recipient in country leaves every
// storage location the policy declares: the same country stays home, and the
// EU's member states count as one place under one law.
func Abroad(pol *policy.Compiled, country string) bool {
	law := pol.Law(country)
	for _, st := range pol.Policy.Storage {
		if st.Country == country {
			return false
		}
		if sl := pol.Law(st.Country); sl != nil && law != nil && sl.Key == "EU" && law.Key == "EU" {
			return false
		}
	}
	return true
}

// leavesGDPR reports whether data of a person under the GDPR (EU) or the
// UK GDPR goes to a recipient outside that area: a transfer under Chapter V
// wherever the service stores its data, because the person's protection
// travels with the data, not with the servers.
func leavesGDPR(pol *policy.Compiled, subjectLaw *jurisdiction.Law, country string) bool {
	if subjectLaw == nil || (subjectLaw.Key != "EU" && subjectLaw.Key != "UK") {
		return false
	}
	to := pol.Law(country)
	return to == nil || to.Key != subjectLaw.Key
}

// coveredBy reports whether key is one of list or falls under one of them:
// a recipient declared for user.contact receives user.contact.email.
func coveredBy(key string, list []string) bool {
	for _, k := range list {
		if key == k || strings.HasPrefix(key, k+".") {
			return true
		}
	}
	return false
}
