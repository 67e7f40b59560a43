// Package tenancy manages tenants and their API keys: creating a tenant with
// its signing key, issuing, listing and revoking keys, and authenticating a
// key's secret. Both the REST API and the command line use it, so every
// administrative write is validated and audited in one place whichever way it
// arrives.
package tenancy

import (
	"github.com/privet-dev/privet"
)

// SigningKeyMaker makes a tenant's Ed25519 signing key, returning the private
// key wrapped by the master key and the raw public key. *crypto.Master is one.
type SigningKeyMaker interface {
	NewSigningKey(tenantID string) (wrappedPrivate, public []byte, err error)
}

// Service is the tenancy service. Its zero Clock means the system clock.
type Service struct {
	Store  privet.Store
	Master SigningKeyMaker
	Clock  privet.Clock

	keys keyCache
}

// Operator returns the actor of the command line, run by whoever operates
// privet: the machine's operator has no key id, so a fixed name stands in.
func Operator() privet.Actor { return privet.Actor{Type: privet.ActorAdmin, ID: "operator"} }

func (s *Service) clock() privet.Clock { return privet.ClockOr(s.Clock) }

// audit builds an audit event of a successful administrative action.
func (s *Service) audit(tenantID string, actor privet.Actor, action, reason string) *privet.AuditEvent {
	ev := actor.Event(tenantID, action, s.clock().Now())
	ev.Reason = reason
	return ev
}
