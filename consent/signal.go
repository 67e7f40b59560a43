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
	ev, err := s.Record(ctx, actor, tenantID, in.Record())
	return ev != nil, err
}

// Record is the signal as an input to Record or RecordAll: a refusal naming
// no purpose, recorded once per person.
func (in SignalInput) Record() RecordInput {
	return RecordInput{Party: in.Party, State: privet.StateRefused, Source: in.Source, UserAgent: in.UserAgent, IP: in.IP, Once: true}
}

// unseenSignals drops from evs the Once signals that memory holds for the
// person already, or that an earlier event of evs repeats. A visitor's
// signal from before cutoff (the policy's VisitorCutoff) is no longer held:
// retention deletes it, so the browser's next one is recorded again.
func (s *Service) unseenSignals(evs []*privet.ConsentEvent, once map[*privet.ConsentEvent]bool, cutoff int64) []*privet.ConsentEvent {
	type seenKey struct {
		subject, visitor string
		src              privet.ConsentSource
	}
	seen := map[seenKey]bool{}
	out := make([]*privet.ConsentEvent, 0, len(evs))
	for _, ev := range evs {
		if once[ev] {
			k := seenKey{ev.SubjectID, string(ev.Visitor), ev.Source}
			if seen[k] || s.signalSeen(ev.TenantID, ev.SubjectID, ev.Visitor, ev.Source, cutoff) {
				continue
			}
			seen[k] = true
		}
		out = append(out, ev)
	}
	return out
}

// signalSeen reports whether memory holds a signal of the kind for the
// subject, or for the visitor (or the subject it became); a visitor's only
// from cutoff on.
func (s *Service) signalSeen(tenantID, subjectID string, visitor []byte, src privet.ConsentSource, cutoff int64) bool {
	s.mem.mu.RLock()
	defer s.mem.mu.RUnlock()
	l := s.mem.tenants[tenantID]
	if l == nil {
		return false
	}
	seen := func(p *party, cutoff int64) bool {
		return p != nil && (src == privet.SourceGPC && keptSecond(p.gpc, cutoff) || src == privet.SourceDNT && keptSecond(p.dnt, cutoff))
	}
	if subjectID != "" && seen(l.subjects[subjectID], 0) {
		return true
	}
	if visitor != nil {
		if sub, linked := l.links[string(visitor)]; linked && seen(l.subjects[sub], 0) {
			return true
		}
		return seen(l.visitors[string(visitor)], cutoff)
	}
	return false
}
