package vault

import (
	"context"

	"github.com/privet-dev/privet"
)

// AccessRequestPurpose is the purpose the audit log records for a read that
// answers a data-subject access or portability request. It is not a data
// use a policy declares: the law (GDPR Art. 15 and 20, CCPA §1798.110)
// entitles the person to all of their data, whatever the policy lets any
// one purpose read.
const AccessRequestPurpose = "data_subject_access"

// ForAccessRequest reads everything the vault holds about a subject, every
// category decrypted, to answer the subject's own access or portability
// request: requestID names it, and the audit event carries it as its
// reason. A restricted subject is read too (restriction limits processing,
// not the person's right to their own data); an erased one is ENOTFOUND.
// Like every read, it is audited before any data is returned. Only the
// request's execution calls it, once the requester is verified.
func (s *Service) ForAccessRequest(ctx context.Context, actor privet.Actor, tenantID, subjectID, requestID string) (*SubjectView, error) {
	if requestID == "" {
		return nil, privet.FieldError("request_id", "an access read answers a request")
	}
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	var sub *privet.Subject
	if err := s.Store.View(ctx, func(tx privet.Tx) error {
		sub, err = tx.Subject(ctx, tenantID, subjectID)
		return err
	}); err != nil {
		return nil, err
	}
	return s.read(ctx, actor, pol, sub, ReadOptions{Purpose: AccessRequestPurpose, all: true, reason: "request:" + requestID})
}
