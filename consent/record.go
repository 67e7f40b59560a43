package consent

import (
	"context"
	"net/netip"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// maxUserAgent bounds the evidence kept from a user agent header.
const maxUserAgent = 512

// RecordInput is one choice to record.
type RecordInput struct {
	Party
	// Purpose is a purpose of the policy; a GPC signal may leave it empty.
	Purpose string
	State   privet.ConsentState
	Source  privet.ConsentSource
	// Jurisdiction defaults to the subject's.
	Jurisdiction string
	NoticeHash   string
	UserAgent    string
	// IP is the address the choice came from; only its network is kept.
	IP       string
	Guardian bool
	// Once marks a browser signal (source gpc_signal or dnt_signal) that is
	// recorded only if none of its kind is on record for the person: a
	// browser sends it on every request, the ledger needs it once.
	Once bool
}

// Record appends a consent event, with its audit event in the same
// transaction, and updates memory once it has committed. Naming both a
// subject and a cookie id links the visitor to the subject first, so the
// visitor's earlier choices join the subject's. It returns nil for a Once
// signal already on record.
func (s *Service) Record(ctx context.Context, actor privet.Actor, tenantID string, in RecordInput) (*privet.ConsentEvent, error) {
	evs, err := s.RecordAll(ctx, actor, tenantID, []RecordInput{in})
	if err != nil || len(evs) == 0 {
		return nil, err
	}
	return evs[0], nil
}

// RecordAll records several choices made at once (a banner's categories,
// each with its purposes) in one transaction: every event and its audit
// event commit, or none does and memory is unchanged. Every input is checked
// before anything is written. It returns the events recorded, in the order
// given, without the Once signals that were already on record.
func (s *Service) RecordAll(ctx context.Context, actor privet.Actor, tenantID string, ins []RecordInput) ([]*privet.ConsentEvent, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	evs := make([]*privet.ConsentEvent, 0, len(ins))
	once := map[*privet.ConsentEvent]bool{}
	for _, in := range ins {
		ev, err := s.event(pol, tenantID, in, now)
		if err != nil {
			return nil, err
		}
		evs = append(evs, ev)
		if in.Once {
			once[ev] = true
		}
	}
	if len(once) > 0 {
		// A browser repeats its signal on every request: most find it on
		// record here, without waiting for the lock.
		if evs = s.unseenSignals(evs, once, pol.VisitorCutoff(now)); len(evs) == 0 {
			return nil, nil
		}
		// A person's first signal usually arrives on several requests at
		// once (a page and its banner): one records it, the others find it
		// on record. Writes without a new signal do not wait here.
		if slices.ContainsFunc(evs, func(ev *privet.ConsentEvent) bool { return once[ev] }) {
			s.signalMu.Lock()
			defer s.signalMu.Unlock()
			if evs = s.unseenSignals(evs, once, pol.VisitorCutoff(now)); len(evs) == 0 {
				return nil, nil
			}
		}
	}
	// Everything but the writes is done before Update: the committer runs
	// one transaction at a time, so what a fn does there, every write waits
	// for. An event naming a subject checks that the subject is live (and
	// takes its jurisdiction) in its own INSERT, not in a read before it.
	var links []*privet.ConsentEvent
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		linked := map[string]bool{}
		for _, ev := range evs {
			if ev.SubjectID == "" {
				if err := tx.AppendConsent(ctx, ev); err != nil {
					return err
				}
			} else {
				key := string(ev.Visitor)
				if ev.Visitor != nil && !linked[key] && !s.linkedTo(tenantID, ev.Visitor, ev.SubjectID) {
					// A link is no choice: it has no INSERT of its own
					// that could check the subject.
					if _, err := liveSubject(ctx, tx, tenantID, ev.SubjectID); err != nil {
						return err
					}
					link := s.linkEvent(tenantID, ev.SubjectID, ev.Visitor, pol.Hash, now)
					if err := tx.LinkVisitor(ctx, link); err != nil {
						return err
					}
					links, linked[key] = append(links, link), true
				}
				if err := tx.AppendLiveConsent(ctx, ev); err != nil {
					return err
				}
			}
			if job := withdrawalFollowUp(pol, ev); job != nil {
				if err := tx.Enqueue(ctx, job); err != nil {
					return err
				}
			}
			a := actor.Event(tenantID, "consent.record", now)
			a.SubjectID, a.Purpose, a.Reason = ev.SubjectID, ev.Purpose, string(ev.State)
			if err := tx.AppendAudit(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.mem.mu.Lock()
	for _, link := range links {
		s.mem.apply(link, pol.VisitorCutoff(link.Time))
	}
	for _, ev := range evs {
		s.mem.apply(ev, 0)
	}
	s.mem.mu.Unlock()
	return evs, nil
}

// event checks one input and builds its event; nothing is written yet.
func (s *Service) event(pol *policy.Compiled, tenantID string, in RecordInput, now time.Time) (*privet.ConsentEvent, error) {
	if in.SubjectID == "" && in.CookieID == "" {
		return nil, privet.FieldError("subject_id", "name a subject or a cookie id")
	}
	if _, err := privet.ParseConsentState(string(in.State)); err != nil {
		return nil, err
	}
	if _, err := privet.ParseConsentSource(string(in.Source)); err != nil {
		return nil, err
	}
	signal := in.Source == privet.SourceGPC || in.Source == privet.SourceDNT
	if in.Purpose == "" && !signal {
		return nil, privet.FieldError("purpose", "a purpose is required")
	}
	if in.Once && (!signal || in.Purpose != "") {
		return nil, privet.FieldError("source", "only a gpc_signal or dnt_signal naming no purpose is recorded once")
	}
	if _, ok := pol.Purpose(in.Purpose); in.Purpose != "" && !ok {
		return nil, privet.FieldError("purpose", "the policy declares no such purpose")
	}
	if len(in.Jurisdiction) > 16 || len(in.NoticeHash) > 128 {
		return nil, privet.FieldError("jurisdiction", "too long")
	}
	ip, err := truncateIP(in.IP)
	if err != nil {
		return nil, err
	}
	visitor, err := s.visitorIndex(tenantID, in.CookieID)
	if err != nil {
		return nil, err
	}
	return &privet.ConsentEvent{
		ID: privet.NewID(privet.PrefixConsent), TenantID: tenantID, SubjectID: in.SubjectID, Visitor: visitor,
		Purpose: in.Purpose, State: in.State, Source: in.Source, PolicyVersion: pol.Hash,
		Jurisdiction: in.Jurisdiction, NoticeHash: in.NoticeHash, UserAgent: clip(in.UserAgent, maxUserAgent),
		IP: ip, Guardian: in.Guardian, Time: now,
	}, nil
}

// Link records that the visitor with cookieID is the subject: from now on
// the visitor's choices, past and future, count as the subject's.
func (s *Service) Link(ctx context.Context, actor privet.Actor, tenantID, subjectID, cookieID string) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return err
	}
	if cookieID == "" {
		return privet.FieldError("cookie_id", "a cookie id is required")
	}
	visitor, err := s.visitorIndex(tenantID, cookieID)
	if err != nil {
		return err
	}
	if s.linkedTo(tenantID, visitor, subjectID) {
		return nil
	}
	now := s.now()
	link := s.linkEvent(tenantID, subjectID, visitor, pol.Hash, now)
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		if _, err := liveSubject(ctx, tx, tenantID, subjectID); err != nil {
			return err
		}
		if err := tx.LinkVisitor(ctx, link); err != nil {
			return err
		}
		a := actor.Event(tenantID, "consent.link", now)
		a.SubjectID = subjectID
		return tx.AppendAudit(ctx, a)
	})
	if err != nil {
		return err
	}
	s.mem.mu.Lock()
	s.mem.apply(link, pol.VisitorCutoff(link.Time))
	s.mem.mu.Unlock()
	return nil
}

func (s *Service) linkEvent(tenantID, subjectID string, visitor []byte, policyVersion string, now time.Time) *privet.ConsentEvent {
	return &privet.ConsentEvent{
		ID: privet.NewID(privet.PrefixConsent), TenantID: tenantID, SubjectID: subjectID, Visitor: visitor,
		State: privet.StateLinked, Source: privet.SourceAPI, PolicyVersion: policyVersion, Time: now,
	}
}

// linkedTo reports whether memory knows the visitor as the subject already.
func (s *Service) linkedTo(tenantID string, visitor []byte, subjectID string) bool {
	s.mem.mu.RLock()
	defer s.mem.mu.RUnlock()
	l := s.mem.tenants[tenantID]
	return l != nil && l.links[string(visitor)] == subjectID
}

// liveSubject reads the subject; an erased one is not found.
func liveSubject(ctx context.Context, tx privet.Tx, tenantID, id string) (*privet.Subject, error) {
	// Attributes only: consent needs no identity or field, and reading them
	// cost a sixth of a consent write's time in the committer.
	sub, err := tx.SubjectAttrs(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	if sub.Status == privet.StatusErased {
		return nil, privet.Errorf(privet.ENOTFOUND, "subject not found")
	}
	return sub, nil
}

// truncateIP keeps the network of an address, never the host: /24 for
// IPv4, /48 for IPv6. That is evidence enough of where a choice came from,
// and no longer identifies one device.
func truncateIP(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return "", privet.FieldError("ip", "not an IP address")
	}
	a = a.Unmap().WithZone("")
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, _ := a.Prefix(bits)
	return p.Addr().String(), nil
}

// clip cuts s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
