package consent

import (
	"context"
	"net/netip"
	"time"
	"unicode/utf8"

	"github.com/privet-dev/privet"
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
}

// Record appends a consent event, with its audit event in the same
// transaction, and updates memory once it has committed. Naming both a
// subject and a cookie id links the visitor to the subject first, so the
// visitor's earlier choices join the subject's.
func (s *Service) Record(ctx context.Context, actor privet.Actor, tenantID string, in RecordInput) (*privet.ConsentEvent, error) {
	if err := s.Start(ctx); err != nil {
		return nil, err
	}
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if in.SubjectID == "" && in.CookieID == "" {
		return nil, privet.FieldError("subject_id", "name a subject or a cookie id")
	}
	if _, err := privet.ParseConsentState(string(in.State)); err != nil {
		return nil, err
	}
	if _, err := privet.ParseConsentSource(string(in.Source)); err != nil {
		return nil, err
	}
	if in.Purpose == "" && in.Source != privet.SourceGPC && in.Source != privet.SourceDNT {
		return nil, privet.FieldError("purpose", "a purpose is required")
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
	now := s.now()
	ev := &privet.ConsentEvent{
		ID: privet.NewID(privet.PrefixConsent), TenantID: tenantID, SubjectID: in.SubjectID, Visitor: visitor,
		Purpose: in.Purpose, State: in.State, Source: in.Source, PolicyVersion: pol.Hash,
		Jurisdiction: in.Jurisdiction, NoticeHash: in.NoticeHash, UserAgent: clip(in.UserAgent, maxUserAgent),
		IP: ip, Guardian: in.Guardian, Time: now,
	}
	var link *privet.ConsentEvent
	var prof profile
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		if in.SubjectID != "" {
			sub, err := liveSubject(ctx, tx, tenantID, in.SubjectID)
			if err != nil {
				return err
			}
			prof = profileOf(sub, now)
			if ev.Jurisdiction == "" {
				ev.Jurisdiction = sub.Jurisdiction
			}
			if visitor != nil && !s.linkedTo(tenantID, visitor, in.SubjectID) {
				link = s.linkEvent(tenantID, in.SubjectID, visitor, pol.Hash, now)
				if err := tx.LinkVisitor(ctx, link); err != nil {
					return err
				}
			}
		}
		if err := tx.AppendConsent(ctx, ev); err != nil {
			return err
		}
		if job := withdrawalFollowUp(pol, ev); job != nil {
			if err := tx.Enqueue(ctx, job); err != nil {
				return err
			}
		}
		a := actor.Event(tenantID, "consent.record", now)
		a.SubjectID, a.Purpose, a.Reason = in.SubjectID, in.Purpose, string(in.State)
		return tx.AppendAudit(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	s.mem.mu.Lock()
	if in.SubjectID != "" {
		s.mem.ledger(tenantID).profiles[in.SubjectID] = prof
	}
	if link != nil {
		s.mem.apply(link)
	}
	s.mem.apply(ev)
	s.mem.mu.Unlock()
	return ev, nil
}

// Link records that the visitor with cookieID is the subject: from now on
// the visitor's choices, past and future, count as the subject's.
func (s *Service) Link(ctx context.Context, actor privet.Actor, tenantID, subjectID, cookieID string) error {
	if err := s.Start(ctx); err != nil {
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
	s.applyAll([]*privet.ConsentEvent{link})
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
