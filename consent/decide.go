package consent

import (
	"context"
	"errors"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/deadline"
	"github.com/privet-dev/privet/policy"
)

// Reason codes of a decision. They are stable: apps match on them.
const (
	ReasonConsentGiven     = "consent_given"     // opt-in purpose with a current consent
	ReasonNoConsent        = "no_consent"        // opt-in purpose, nothing recorded
	ReasonRefused          = "refused"           // opt-in purpose, consent refused
	ReasonWithdrawn        = "withdrawn"         // consent withdrawn
	ReasonExpired          = "expired"           // consent older than the policy's renewal period
	ReasonNeedsRenewal     = "needs_renewal"     // the policy changed; consent must be given again
	ReasonNotOptedOut      = "not_opted_out"     // opt-out purpose, no objection recorded
	ReasonOptedOut         = "opted_out"         // opt-out purpose, objection or opt-out recorded
	ReasonGPC              = "gpc"               // a Global Privacy Control signal where the law honours it
	ReasonDNT              = "dnt"               // a Do Not Track signal, and the policy honours it (sale, sharing, targeted ads, tracking)
	ReasonRestricted       = "restricted"        // the subject's processing is restricted
	ReasonGuardianRequired = "guardian_required" // a child, and no guardian consent recorded
	ReasonNotice           = "notice"            // a notice purpose: allowed on the lawful basis
	ReasonObjected         = "objected"          // a notice purpose on legitimate interests, and the person objected
	ReasonNoLawfulBasis    = "no_lawful_basis"   // the policy gives the purpose no basis in the jurisdiction
	ReasonNotFound         = "not_found"         // batch only: no such subject
)

// Decision answers whether a purpose may be used for a person now.
type Decision struct {
	SubjectID string `json:"subject_id,omitempty"`
	Purpose   string `json:"purpose"`
	Allowed   bool   `json:"allowed"`
	Reason    string `json:"reason"`
	// Basis is the purpose's lawful basis where the person is.
	Basis string `json:"lawful_basis,omitempty"`
	// Mechanism is how consent works for it there: opt_in, opt_out, notice.
	Mechanism string `json:"mechanism,omitempty"`
}

// DecideInput asks about one person.
type DecideInput struct {
	Party
	Purpose string
	// Jurisdiction is where a visitor is, when the app knows better than
	// the ledger; a subject's own jurisdiction always applies to it.
	Jurisdiction string
	// Explicit asks for a consent the person gave, whatever the purpose's
	// mechanism: the separate consent a law requires beyond the purpose
	// itself (a transfer abroad under PIPL Art. 39), where notice or the
	// absence of an objection does not count.
	Explicit bool
}

// Decide answers from memory: the subject's attributes are read from the
// store only when memory has none younger than the profile TTL.
// EINVALID (field "purpose") for a purpose the policy does not declare,
// ENOTFOUND for an unknown subject.
func (s *Service) Decide(ctx context.Context, tenantID string, in DecideInput) (Decision, error) {
	if err := s.Start(ctx); err != nil {
		return Decision{}, err
	}
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return Decision{}, err
	}
	pu, ok := pol.Purpose(in.Purpose)
	if !ok {
		return Decision{}, privet.FieldError("purpose", "the policy declares no such purpose")
	}
	if in.SubjectID == "" && in.CookieID == "" {
		return Decision{}, privet.FieldError("subject_id", "name a subject or a cookie id")
	}
	visitor, err := s.visitorIndex(tenantID, in.CookieID)
	if err != nil {
		return Decision{}, err
	}
	now := s.now()
	s.mem.mu.RLock()
	l := s.mem.tenants[tenantID]
	subjectID := in.SubjectID
	if subjectID == "" && l != nil {
		subjectID = l.links[string(visitor)] // a linked visitor is its subject
	}
	var prof profile
	fresh := false
	if subjectID != "" && l != nil {
		prof, fresh = l.profiles[subjectID]
		// A subject a batch found missing may have been created since.
		fresh = fresh && now.Sub(prof.read) < s.profileTTL() && prof.status != privet.StatusErased
	}
	s.mem.mu.RUnlock()
	if subjectID != "" && !fresh {
		if prof, err = s.readProfile(ctx, tenantID, subjectID, now); err != nil {
			return Decision{}, err
		}
	}
	s.mem.mu.RLock()
	defer s.mem.mu.RUnlock()
	var p *party
	if l = s.mem.tenants[tenantID]; l != nil {
		if subjectID != "" {
			p = l.subjects[subjectID]
		} else {
			p = l.visitors[string(visitor)]
		}
	}
	if subjectID == "" {
		prof = profile{place: in.Jurisdiction, status: privet.StatusActive}
		if prof.place == "" && p != nil {
			prof.place = p.place
		}
	}
	r := rulesFor(pol, pu, prof.place)
	if in.Explicit && r.basis != "" {
		r.mechanism = policy.OptIn
	}
	d := decideWith(r, pu, prof, p, now)
	d.SubjectID = in.SubjectID
	return d, nil
}

// DecideBatch decides one purpose for many subjects, in the order given.
// Unknown subjects are denied with ReasonNotFound rather than failing the
// batch: a mailing list may hold people since erased.
func (s *Service) DecideBatch(ctx context.Context, tenantID, purpose string, subjectIDs []string) ([]Decision, error) {
	if err := s.Start(ctx); err != nil {
		return nil, err
	}
	if len(subjectIDs) > MaxBatch {
		return nil, &privet.Error{Code: privet.ETOOLARGE, Field: "subject_ids", Message: "at most 100000 subject ids"}
	}
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	pu, ok := pol.Purpose(purpose)
	if !ok {
		return nil, privet.FieldError("purpose", "the policy declares no such purpose")
	}
	now := s.now()
	if err := s.refreshProfiles(ctx, tenantID, subjectIDs, now); err != nil {
		return nil, err
	}
	out := make([]Decision, len(subjectIDs))
	s.mem.mu.RLock()
	defer s.mem.mu.RUnlock()
	l := s.mem.tenants[tenantID]
	rules := map[string]placeRules{}
	for i, id := range subjectIDs {
		prof, ok := l.profiles[id]
		if !ok || prof.status == privet.StatusErased {
			out[i] = Decision{SubjectID: id, Purpose: purpose, Reason: ReasonNotFound}
			continue
		}
		r, ok := rules[prof.place]
		if !ok {
			r = rulesFor(pol, pu, prof.place)
			rules[prof.place] = r
		}
		out[i] = decideWith(r, pu, prof, l.subjects[id], now)
		out[i].SubjectID = id
	}
	return out, nil
}

// placeRules is what the policy says of one purpose in one place: computed
// once per place in a batch, since a mailing list spans few places.
type placeRules struct {
	basis, mechanism string
	honourGPC        bool
	honourDNT        bool
	renewal          deadline.Period
	consentAge       int
}

func rulesFor(pol *policy.Compiled, pu *policy.Purpose, place string) placeRules {
	r := placeRules{basis: pol.Basis(pu.Key, place), mechanism: pol.Mechanism(pu.Key, place), consentAge: consentAge(pol, place)}
	r.honourGPC = pol.Policy.HonourGPC
	r.honourDNT = pol.Policy.HonourDNT
	if law := pol.Law(place); law != nil && law.HonourGPC {
		r.honourGPC = true
	}
	if period, err := deadline.ParsePeriod(pu.Renewal); err == nil {
		r.renewal = period
	}
	return r
}

// decideWith applies the rules of the place, most absolute first.
func decideWith(r placeRules, pu *policy.Purpose, prof profile, p *party, now time.Time) Decision {
	d := Decision{Purpose: pu.Key, Basis: r.basis, Mechanism: r.mechanism}
	deny := func(reason string) Decision { d.Reason = reason; return d }
	allow := func(reason string) Decision { d.Allowed, d.Reason = true, reason; return d }
	if d.Basis == "" {
		return deny(ReasonNoLawfulBasis)
	}
	if prof.status == privet.StatusRestricted && !pu.WhileRestricted {
		return deny(ReasonRestricted)
	}
	if p != nil && p.gpc && (pu.Sale || pu.Sharing || pu.TargetedAds) && r.honourGPC {
		return deny(ReasonGPC)
	}
	if p != nil && p.dnt && (pu.Sale || pu.Sharing || pu.TargetedAds || pu.Tracking) && r.honourDNT {
		return deny(ReasonDNT)
	}
	var c choice
	var has bool
	if p != nil {
		c, has = p.choices[pu.Key]
	}
	switch d.Mechanism {
	case policy.OptOut:
		if has && (c.state == privet.StateRefused || c.state == privet.StateWithdrawn) {
			return deny(ReasonOptedOut)
		}
		return allow(ReasonNotOptedOut)
	case policy.OptIn:
	default:
		// The right to object (GDPR Art. 21, and its like elsewhere) stops
		// processing on legitimate interests; a contract or a legal duty
		// goes on whatever the person says.
		if d.Basis == basisLegitimateInterests && has && (c.state == privet.StateRefused || c.state == privet.StateWithdrawn) {
			return deny(ReasonObjected)
		}
		return allow(ReasonNotice)
	}
	if !has {
		return deny(ReasonNoConsent)
	}
	switch c.state {
	case privet.StateRefused:
		return deny(ReasonRefused)
	case privet.StateWithdrawn:
		return deny(ReasonWithdrawn)
	case privet.StateExpired:
		return deny(ReasonExpired)
	case privet.StateNeedsRenewal:
		return deny(ReasonNeedsRenewal)
	}
	if !r.renewal.IsZero() && !now.Before(deadline.Add(c.at, r.renewal, deadline.NoHolidays{})) {
		return deny(ReasonExpired)
	}
	if mayBeUnder(prof.ageBand, r.consentAge) && !c.guardian {
		return deny(ReasonGuardianRequired)
	}
	return allow(ReasonConsentGiven)
}

// basisLegitimateInterests is the lawful basis a person may object to.
const basisLegitimateInterests = "legitimate_interests"

// consentAge is the age below which a guardian must consent: the policy's
// minimum age where it sets one, else the law's age of digital consent.
func consentAge(pol *policy.Compiled, place string) int {
	if pol.Policy.Children.MinimumAge > 0 {
		return pol.Policy.Children.MinimumAge
	}
	if law := pol.Law(place); law != nil {
		return law.ConsentAge
	}
	return 0
}

// bandFloor is the youngest age in each age band. A band that may hold
// someone under the consent age counts as under it: the birth date is
// sealed, and guessing in the child's favour is the safe side.
var bandFloor = map[string]int{"under_13": 0, "13_15": 13, "16_17": 16}

func mayBeUnder(band string, age int) bool {
	floor, ok := bandFloor[band]
	return ok && floor < age
}

// readProfile reads a subject's attributes into memory.
func (s *Service) readProfile(ctx context.Context, tenantID, id string, now time.Time) (profile, error) {
	var prof profile
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		sub, err := liveSubject(ctx, tx, tenantID, id)
		if err != nil {
			return err
		}
		prof = profileOf(sub, now)
		return nil
	})
	if err != nil {
		if errors.Is(err, privet.ErrNotFound) {
			return profile{}, privet.Errorf(privet.ENOTFOUND, "subject not found")
		}
		return profile{}, err
	}
	s.mem.mu.Lock()
	s.mem.ledger(tenantID).profiles[id] = prof
	s.mem.mu.Unlock()
	return prof, nil
}

// refreshProfiles reads, in one snapshot, the attributes memory lacks or
// holds for longer than the TTL. Unknown subjects are remembered as erased
// for the TTL too, so a list full of them does not hit the store each time.
func (s *Service) refreshProfiles(ctx context.Context, tenantID string, ids []string, now time.Time) error {
	ttl := s.profileTTL()
	var stale []string
	s.mem.mu.RLock()
	l := s.mem.tenants[tenantID]
	for _, id := range ids {
		if l == nil {
			stale = append(stale, id)
			continue
		}
		if prof, ok := l.profiles[id]; !ok || now.Sub(prof.read) >= ttl {
			stale = append(stale, id)
		}
	}
	s.mem.mu.RUnlock()
	if len(stale) == 0 {
		s.mem.mu.Lock()
		s.mem.ledger(tenantID)
		s.mem.mu.Unlock()
		return nil
	}
	read := make(map[string]profile, len(stale))
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		for _, id := range stale {
			sub, err := tx.SubjectAttrs(ctx, tenantID, id)
			switch {
			case errors.Is(err, privet.ErrNotFound):
				read[id] = profile{status: privet.StatusErased, read: now}
			case err != nil:
				return err
			default:
				read[id] = profileOf(sub, now)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.mem.mu.Lock()
	l = s.mem.ledger(tenantID)
	for id, prof := range read {
		l.profiles[id] = prof
	}
	s.mem.mu.Unlock()
	return nil
}

func profileOf(sub *privet.Subject, now time.Time) profile {
	return profile{place: sub.Jurisdiction, status: sub.Status, ageBand: sub.AgeBand, read: now}
}

// Forget drops what memory holds of a subject's attributes, so the next
// decision reads them again: the vault calls it when it restricts,
// reactivates, erases or moves a subject.
func (s *Service) Forget(tenantID, subjectID string) {
	s.mem.mu.Lock()
	defer s.mem.mu.Unlock()
	if l := s.mem.tenants[tenantID]; l != nil {
		delete(l.profiles, subjectID)
	}
}
