package vault

import (
	"context"

	"github.com/privet-dev/privet"
)

// Contact reads where a subject can be told something (ContactOf), for
// purpose, so the read is checked against the policy and audited like any
// other. ENOTFOUND for a subject erased or not the tenant's; EFORBIDDEN for
// one restricted against the purpose.
func (s *Service) Contact(ctx context.Context, actor privet.Actor, tenantID, subjectID, purpose string) (privet.Contact, error) {
	v, err := s.Get(ctx, actor, tenantID, subjectID, ReadOptions{Purpose: purpose})
	if err != nil {
		return privet.Contact{}, err
	}
	return ContactOf(v), nil
}
