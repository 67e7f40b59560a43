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
	if err := s.ready(ctx); err != nil {
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
	fresh := false
	if subjectID != "" && l != nil {
		// A subject a batch found missing may have been created since.
		fresh = l.fresh(l.subjects[subjectID], now, s.profileTTL()) && !l.missing(l.subjects[subjectID])
	}
	s.mem.mu.RUnlock()
	if subjectID != "" && !fresh {
		if err := s.readProfile(ctx, tenantID, subjectID, now); err != nil {
			return Decision{}, err
		}
	}
	s.mem.mu.RLock()
	defer s.mem.mu.RUnlock()
	l = s.mem.tenants[tenantID]
	var p *party
	var a attrs
	var k known
	place := in.Jurisdiction
	switch {
	case subjectID != "":
		p = l.subjects[subjectID]
		a = l.attrs(p)
		place = l.names.name(p.profile.place)
		k = p.choiceOf(l, pu.Key)
	case l != nil:
		p = l.visitors[string(visitor)]
		a = attrs{status: privet.StatusActive}
		if p != nil {
			// A visitor's events go once the policy's retention of cookie
			// data ends (retention deletes them): an older choice, signal
			// or place counts as none, whether the sweep has run or not,
			// so every server decides as storage will.
			cut := pol.VisitorCutoff(now)
			a.gpc, a.dnt = keptSecond(p.gpc, cut), keptSecond(p.dnt, cut)
			if k = p.choiceOf(l, pu.Key); k.has && !visitorKept(k.at, cut) {
				k = known{}
			}
			if place == "" && keptSecond(p.placeAt, cut) {
				place = l.names.name(p.place)
			}
		}
	default:
		a = attrs{status: privet.StatusActive}
	}
	r := rulesFor(pol, pu, place)
	if in.Explicit && r.basis != "" {
		r.mechanism = policy.OptIn
	}
	d := decideWith(r, pu, a, k, now)
	d.SubjectID = in.SubjectID
	return d, nil
}

// DecideBatch decides one purpose for many subjects, in the order given.
// Unknown subjects are denied with ReasonNotFound rather than failing the
// batch: a mailing list may hold people since erased.
//
// It is one pass over memory, one map lookup per subject; the subjects
// whose attributes are missing or older than the profile TTL are read in
// one snapshot and decided in a second pass.
func (s *Service) DecideBatch(ctx context.Context, tenantID, purpose string, subjectIDs []string) ([]Decision, error) {
	if err := s.ready(ctx); err != nil {
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
	ttl := s.profileTTL()
	out := make([]Decision, len(subjectIDs))
	rules := map[uint32]placeRules{} // a mailing list spans few places
	// decide fills out[i] from memory, or reports that the subject's
	// attributes must be read first; the caller holds the read lock.
	decide := func(l *ledger, i int) bool {
		id := subjectIDs[i]
		var p *party
		if l != nil {
			p = l.subjects[id]
		}
		if !l.fresh(p, now, ttl) {
			return false
		}
		if l.missing(p) {
			out[i] = Decision{SubjectID: id, Purpose: purpose, Reason: ReasonNotFound}
			return true
		}
		r, ok := rules[p.profile.place]
		if !ok {
			r = rulesFor(pol, pu, l.names.name(p.profile.place))
			rules[p.profile.place] = r
		}
		out[i] = decideWith(r, pu, l.attrs(p), p.choiceOf(l, pu.Key), now)
		out[i].SubjectID = id
		return true
	}
	var stale []int
	s.mem.mu.RLock()
	l := s.mem.tenants[tenantID]
	for i := range subjectIDs {
		if !decide(l, i) {
			stale = append(stale, i)
		}
	}
	s.mem.mu.RUnlock()
	if len(stale) == 0 {
		return out, nil
	}
	if err := s.readProfiles(ctx, tenantID, subjectIDs, stale, now); err != nil {
		return nil, err
	}
	s.mem.mu.RLock()
	defer s.mem.mu.RUnlock()
	l = s.mem.tenants[tenantID]
	for _, i := range stale {
		decide(l, i)
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

// attrs is what the rules read of a subject's attributes.
type attrs struct {
	status  privet.SubjectStatus
	ageBand string
	gpc     bool // a Global Privacy Control signal was seen
	dnt     bool // a Do Not Track signal was recorded
}

// attrs returns the subject's attributes and signals, from its party.
func (l *ledger) attrs(p *party) attrs {
	return attrs{status: privet.SubjectStatus(l.names.name(p.profile.status)), ageBand: l.names.name(p.profile.ageBand),
		gpc: p.gpc != 0, dnt: p.dnt != 0}
}

// fresh reports whether memory holds the subject's attributes, read less
// than ttl ago.
func (l *ledger) fresh(p *party, now time.Time, ttl time.Duration) bool {
	return p != nil && p.profile.read != 0 && now.UnixNano()-p.profile.read < int64(ttl)
}

// missing reports whether the subject was read as erased or not found.
func (l *ledger) missing(p *party) bool {
	return privet.SubjectStatus(l.names.name(p.profile.status)) == privet.StatusErased
}

// known is a choice found in memory: has is false when there is none.
type known struct {
	choice
	has bool
}

// choiceOf returns the party's latest choice for the purpose; p and l may be nil.
func (p *party) choiceOf(l *ledger, purpose string) known {
	if p == nil || l == nil {
		return known{}
	}
	id, ok := l.names.find(purpose)
	if !ok {
		return known{}
	}
	c, has := p.choice(id)
	return known{c, has}
}

// decideWith applies the rules of the place, most absolute first.
func decideWith(r placeRules, pu *policy.Purpose, a attrs, k known, now time.Time) Decision {
	d := Decision{Purpose: pu.Key, Basis: r.basis, Mechanism: r.mechanism}
	deny := func(reason string) Decision { d.Reason = reason; return d }
	allow := func(reason string) Decision { d.Allowed, d.Reason = true, reason; return d }
	if d.Basis == "" {
		return deny(ReasonNoLawfulBasis)
	}
	if a.status == privet.StatusRestricted && !pu.WhileRestricted {
		return deny(ReasonRestricted)
	}
	if a.gpc && (pu.Sale || pu.Sharing || pu.TargetedAds) && r.honourGPC {
		return deny(ReasonGPC)
	}
	if a.dnt && (pu.Sale || pu.Sharing || pu.TargetedAds || pu.Tracking) && r.honourDNT {
		return deny(ReasonDNT)
	}
	c, has := k.choice, k.has
	state := c.state.state()
	switch d.Mechanism {
	case policy.OptOut:
		if has && (state == privet.StateRefused || state == privet.StateWithdrawn) {
			return deny(ReasonOptedOut)
		}
		return allow(ReasonNotOptedOut)
	case policy.OptIn:
	default:
		// The right to object (GDPR Art. 21, and its like elsewhere) stops
		// processing on legitimate interests; a contract or a legal duty
		// goes on whatever the person says.
		if d.Basis == basisLegitimateInterests && has && (state == privet.StateRefused || state == privet.StateWithdrawn) {
			return deny(ReasonObjected)
		}
		return allow(ReasonNotice)
	}
	if !has {
		return deny(ReasonNoConsent)
	}
	switch state {
	case privet.StateRefused:
		return deny(ReasonRefused)
	case privet.StateWithdrawn:
		return deny(ReasonWithdrawn)
	case privet.StateExpired:
		return deny(ReasonExpired)
	case privet.StateNeedsRenewal:
		return deny(ReasonNeedsRenewal)
	}
	if !r.renewal.IsZero() && !now.Before(deadline.Add(time.Unix(0, c.at).UTC(), r.renewal, deadline.NoHolidays{})) {
		return deny(ReasonExpired)
	}
	if mayBeUnder(a.ageBand, r.consentAge) && !c.guardian {
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
func (s *Service) readProfile(ctx context.Context, tenantID, id string, now time.Time) error {
	var sub *privet.Subject
	err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		sub, err = liveSubject(ctx, tx, tenantID, id)
		return err
	})
	if err != nil {
		if errors.Is(err, privet.ErrNotFound) {
			return privet.Errorf(privet.ENOTFOUND, "subject not found")
		}
		return err
	}
	s.mem.mu.Lock()
	s.mem.ledger(tenantID).setProfile(id, sub, now)
	s.mem.mu.Unlock()
	return nil
}

// readProfiles reads, in one snapshot, the attributes of ids[i] for each i
// of which. Unknown subjects are remembered as erased for the TTL too, so a
// list full of them does not hit the store each time.
func (s *Service) readProfiles(ctx context.Context, tenantID string, ids []string, which []int, now time.Time) error {
	subs := make([]*privet.Subject, len(which))
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		for k, i := range which {
			sub, err := tx.SubjectAttrs(ctx, tenantID, ids[i])
			switch {
			case errors.Is(err, privet.ErrNotFound):
			case err != nil:
				return err
			default:
				subs[k] = sub
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.mem.mu.Lock()
	defer s.mem.mu.Unlock()
	l := s.mem.ledger(tenantID)
	for k, i := range which {
		if subs[k] == nil {
			l.setMissing(ids[i], now)
		} else {
			l.setProfile(ids[i], subs[k], now)
		}
	}
	return nil
}

// Forget drops what memory holds of a subject's attributes, so the next
// decision reads them again: the vault calls it when it restricts,
// reactivates, erases or moves a subject.
func (s *Service) Forget(tenantID, subjectID string) {
	s.mem.mu.Lock()
	defer s.mem.mu.Unlock()
	if l := s.mem.tenants[tenantID]; l != nil {
		if p := l.subjects[subjectID]; p != nil {
			p.profile = profile{}
		}
	}
}
