package consent

import (
	"context"

	"github.com/privet-dev/privet"
)

// SignalInput is a browser's privacy signal seen on a request that named a
// person: a subject, or a visitor by cookie id.
type SignalInput struct {
	Party
	// Source is privet.SourceGPC or privet.SourceDNT.
	Source privet.ConsentSource
	// UserAgent and IP are kept as evidence (the IP truncated).
	UserAgent string
	IP        string
}

// Signal records a GPC or DNT signal as a refusal of sale, sharing and
// targeted advertising, unless one of the same kind is already on record for
// the person: a browser sends the header on every request, and the ledger
// needs it once. It reports whether it recorded an event.
func (s *Service) Signal(ctx context.Context, actor privet.Actor, tenantID string, in SignalInput) (bool, error) {
	if in.Source != privet.SourceGPC && in.Source != privet.SourceDNT {
		return false, privet.FieldError("source", "a signal is gpc_signal or dnt_signal")
	}
	if err := s.Start(ctx); err != nil {
		return false, err
	}
	visitor, err := s.visitorIndex(tenantID, in.CookieID)
	if err != nil {
		return false, err
	}
	if s.signalSeen(tenantID, in.SubjectID, visitor, in.Source) {
		return false, nil
	}
	// A person's first signal usually arrives on several requests at once
	// (a page and its banner): one records it, the others find it seen.
	// Later requests return above without the lock.
	s.signalMu.Lock()
	defer s.signalMu.Unlock()
	if s.signalSeen(tenantID, in.SubjectID, visitor, in.Source) {
		return false, nil
	}
	_, err = s.Record(ctx, actor, tenantID, RecordInput{Party: in.Party, State: privet.StateRefused, Source: in.Source,
		UserAgent: in.UserAgent, IP: in.IP})
	return err == nil, err
}

// signalSeen reports whether memory holds a signal of the kind for the
// subject, or for the visitor (or the subject it became).
func (s *Service) signalSeen(tenantID, subjectID string, visitor []byte, src privet.ConsentSource) bool {
	s.mem.mu.RLock()
	defer s.mem.mu.RUnlock()
	l := s.mem.tenants[tenantID]
	if l == nil {
		return false
	}
	seen := func(p *party) bool {
		return p != nil && (src == privet.SourceGPC && p.gpc || src == privet.SourceDNT && p.dnt)
	}
	if subjectID != "" && seen(l.subjects[subjectID]) {
		return true
	}
	if visitor != nil {
		if sub, linked := l.links[string(visitor)]; linked && seen(l.subjects[sub]) {
			return true
		}
		return seen(l.visitors[string(visitor)])
	}
	return false
}
