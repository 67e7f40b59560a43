package consent

import (
	"context"
	"slices"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// renewalBatch is how many needs-renewal events one transaction appends:
// enough to make a large ledger quick, few enough to keep a transaction short.
const renewalBatch = 500

// Renew marks for renewal every consent that new no longer covers: for each
// purpose new widens over old (more categories or recipients, see
// policy.WidenedPurposes), every subject and every unlinked visitor whose
// latest choice for it is given gets a needs_renewal event, from the admin
// source and under new's version. Decisions then deny until the person
// consents again. It returns how many events it appended. Call it once the
// tenant's policy in force is new.
func (s *Service) Renew(ctx context.Context, actor privet.Actor, tenantID string, old, new *policy.Compiled) (int, error) {
	if old == nil || new == nil {
		return 0, privet.Errorf(privet.EINVALID, "renewal needs the old and the new policy")
	}
	return s.RenewPurposes(ctx, actor, tenantID, policy.WidenedPurposes(old, new), new)
}

// RenewPurposes marks for renewal every given consent to one of purposes not
// given under new's version, as Renew does for widened purposes. A version
// that takes a right away uses it for every consent-based purpose: rights
// are not reduced without the person's explicit consent, so each consent is
// asked again under the new terms.
func (s *Service) RenewPurposes(ctx context.Context, actor privet.Actor, tenantID string, purposes []string, new *policy.Compiled) (int, error) {
	if new == nil {
		return 0, privet.Errorf(privet.EINVALID, "renewal needs the new policy")
	}
	if len(purposes) == 0 {
		return 0, nil
	}
	if err := s.ready(ctx); err != nil {
		return 0, err
	}
	now := s.now()
	events := s.renewalEvents(tenantID, purposes, new.Hash)
	for batch := range slices.Chunk(events, renewalBatch) {
		for _, ev := range batch {
			ev.Time = now
		}
		err := s.Store.Update(ctx, func(tx privet.Tx) error {
			for _, ev := range batch {
				if err := tx.AppendConsent(ctx, ev); err != nil {
					return err
				}
				a := actor.Event(tenantID, "consent.needs_renewal", now)
				a.SubjectID, a.Purpose, a.Reason = ev.SubjectID, ev.Purpose, "policy "+new.Hash
				if err := tx.AppendAudit(ctx, a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
		// Renewal events name subjects and purposes, never a link.
		s.mem.mu.Lock()
		for _, e := range batch {
			s.mem.apply(e, 0)
		}
		s.mem.mu.Unlock()
	}
	return len(events), nil
}

// renewalEvents lists, from memory, the needs-renewal events to append. A
// linked visitor's choices count as its subject's, so only the subject's
// event is needed: a decision for the visitor's cookie id reads the subject.
func (s *Service) renewalEvents(tenantID string, purposes []string, version string) []*privet.ConsentEvent {
	s.mem.mu.RLock()
	defer s.mem.mu.RUnlock()
	l := s.mem.tenants[tenantID]
	if l == nil {
		return nil
	}
	var out []*privet.ConsentEvent
	newVersion, seen := l.names.find(version)
	add := func(p *party, subjectID string, visitor []byte) {
		for _, purpose := range purposes {
			// A consent given under the new version already covers it.
			k := p.choiceOf(l, purpose)
			if k.has && k.state.state() == privet.StateGiven && (!seen || k.version != newVersion) {
				out = append(out, &privet.ConsentEvent{
					ID: privet.NewID(privet.PrefixConsent), TenantID: tenantID, SubjectID: subjectID, Visitor: visitor,
					Purpose: purpose, State: privet.StateNeedsRenewal, Source: privet.SourceAdmin, PolicyVersion: version,
				})
			}
		}
	}
	for id, p := range l.subjects {
		add(p, id, nil)
	}
	for v, p := range l.visitors {
		if _, linked := l.links[v]; !linked {
			add(p, "", []byte(v))
		}
	}
	return out
}
