package vault

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
)

// IdentityCategory is the data category an identity type belongs to, so
// retention rules and holds treat identities like fields.
func IdentityCategory(t privet.IdentityType) string { return identityCategory(t) }

// OpenFields opens the named fields of a stored subject, for anonymization:
// the values kept as counts must be read once before the key is destroyed.
// It checks no purpose and writes no audit event; the caller audits the
// anonymization that reads them.
func (s *Service) OpenFields(ctx context.Context, sub *privet.Subject, names []string) (map[string]string, error) {
	seal, err := s.openSealer(ctx, sub.TenantID, sub.ID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(names))
	for _, f := range sub.Fields {
		for _, n := range names {
			if f.Name != n {
				continue
			}
			v, err := seal.open(f.Name, f.Sealed)
			if err != nil {
				return nil, err
			}
			out[n] = v
		}
	}
	return out, nil
}

// Forget drops what the vault remembers of a subject erased elsewhere (its
// cached data key) and tells the Changed hook.
func (s *Service) Forget(tenantID, subjectID string) {
	s.keys.drop(tenantID, subjectID)
	s.changed(tenantID, subjectID)
}

// checkHolds returns ECONFLICT when a legal hold active at now covers the
// subject or a category of its data: an erasure must wait for the release.
// The error names the hold, never its reason, which only operators read.
func checkHolds(ctx context.Context, tx privet.Tx, sub *privet.Subject, now time.Time) error {
	for after := ""; ; {
		holds, err := tx.Holds(ctx, sub.TenantID, privet.HoldFilter{ActiveAt: now, After: after, Limit: 1000})
		if err != nil {
			return err
		}
		for _, h := range holds {
			if h.Covers(sub.ID, "") {
				return privet.Errorf(privet.ECONFLICT, "subject is under legal hold %s", h.ID)
			}
			for _, cat := range subjectCategories(sub) {
				if h.Covers(sub.ID, cat) {
					return privet.Errorf(privet.ECONFLICT, "data category %s is under legal hold %s", cat, h.ID)
				}
			}
		}
		if len(holds) < 1000 {
			return nil
		}
		after = holds[len(holds)-1].ID
	}
}

// OpenIdentity opens the subject's identity of type typ ("" and ENOTFOUND
// when it has none), for a notice the policy prescribes (a wind-down). It
// checks no purpose and writes no audit event; the caller audits the notice.
func (s *Service) OpenIdentity(ctx context.Context, sub *privet.Subject, typ privet.IdentityType) (string, error) {
	for _, id := range sub.Identities {
		if id.Type != typ {
			continue
		}
		seal, err := s.openSealer(ctx, sub.TenantID, sub.ID)
		if err != nil {
			return "", err
		}
		return seal.open(identityField(typ), id.Sealed)
	}
	return "", privet.Errorf(privet.ENOTFOUND, "subject has no %s identity", typ)
}
