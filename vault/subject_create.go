package vault

import (
	"context"
	"slices"

	"github.com/privet-dev/privet"
)

// Create adds a subject with its identities and fields. Every value is sealed
// under the subject's new data key before it reaches the store; identities
// are indexed so the subject can be found without decrypting. An identity
// that already belongs to another subject of the tenant is an ECONFLICT
// naming the identity type, never the value.
func (s *Service) Create(ctx context.Context, actor privet.Actor, tenantID string, in CreateInput) (*SubjectView, error) {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	now := s.now().Now()
	ids, err := in.validate(pol, now)
	if err != nil {
		return nil, err
	}

	seal, err := s.newSubjectSealer(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	sub := &privet.Subject{
		ID: seal.subjectID, TenantID: tenantID, Jurisdiction: in.Jurisdiction,
		Status: privet.StatusActive, AgeBand: in.AgeBand, CreatedAt: now, UpdatedAt: now, LastActivityAt: now,
	}
	if err := s.sealSubject(seal, sub, ids, in.BirthDate, in.Fields); err != nil {
		s.dropKey(tenantID, sub.ID)
		return nil, err
	}

	ev := actor.Event(tenantID, "subject.create", now)
	ev.SubjectID = sub.ID
	ev.Categories = subjectCategories(sub)
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		if err := tx.CreateSubject(ctx, sub); err != nil {
			return err
		}
		if s.Created != nil {
			if err := s.Created(ctx, tx, pol, sub); err != nil {
				return err
			}
		}
		return tx.AppendAudit(ctx, ev)
	})
	if err != nil {
		// The subject was never stored: its key must not outlive it.
		s.dropKey(tenantID, sub.ID)
		return nil, err
	}
	return plainView(sub, ids, in.BirthDate, in.Fields, pol.Sensitive), nil
}

// sealSubject seals identities, birth date and fields into sub.
func (s *Service) sealSubject(seal sealer, sub *privet.Subject, ids []normalizedIdentity, birthDate string, fields []FieldInput) error {
	for _, id := range ids {
		sealed, err := seal.seal(identityField(id.typ), id.value)
		if err != nil {
			return err
		}
		sub.Identities = append(sub.Identities, privet.Identity{
			Type: id.typ, Index: s.Master.BlindIndex(sub.TenantID, string(id.typ), id.value), Sealed: sealed,
		})
	}
	if birthDate != "" {
		sealed, err := seal.seal(birthDateField, birthDate)
		if err != nil {
			return err
		}
		sub.SealedBirthDate = sealed
	}
	for _, f := range fields {
		sealed, err := seal.seal(f.Name, f.Value)
		if err != nil {
			return err
		}
		sub.Fields = append(sub.Fields, privet.Field{Name: f.Name, Category: f.Category, Sealed: sealed, UpdatedAt: sub.UpdatedAt})
	}
	return nil
}

// dropKey removes a data key whose subject was never stored. Failure leaves an
// orphan key that opens nothing; it is logged, not returned.
func (s *Service) dropKey(tenantID, subjectID string) {
	s.keys.drop(tenantID, subjectID)
	if err := s.Keys.DeleteDataKey(context.WithoutCancel(context.Background()), tenantID, subjectID); err != nil {
		s.logger().Error("drop orphan data key", "subject_id", subjectID, "error", privet.ErrorCode(err))
	}
}

// subjectCategories lists the distinct categories a subject's data touches,
// for the audit event.
func subjectCategories(sub *privet.Subject) []string {
	var cats []string
	for _, id := range sub.Identities {
		cats = append(cats, identityCategory(id.Type))
	}
	for _, f := range sub.Fields {
		cats = append(cats, f.Category)
	}
	return sortedSet(cats)
}

// sortedSet sorts s and drops duplicates, in place.
func sortedSet(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// plainView is the view of a subject just written, from the caller's own input.
func plainView(sub *privet.Subject, ids []normalizedIdentity, birthDate string, fields []FieldInput, sensitive func(string) bool) *SubjectView {
	v := &SubjectView{
		ID: sub.ID, Jurisdiction: sub.Jurisdiction, Status: sub.Status, AgeBand: sub.AgeBand, BirthDate: birthDate,
		CreatedAt: sub.CreatedAt, UpdatedAt: sub.UpdatedAt, LastActivityAt: sub.LastActivityAt,
		Identities: []IdentityView{}, Fields: []FieldView{},
	}
	for _, id := range ids {
		v.Identities = append(v.Identities, IdentityView{Type: id.typ, Value: id.value})
	}
	for _, f := range fields {
		v.Fields = append(v.Fields, FieldView{Name: f.Name, Category: f.Category, Value: f.Value, Sensitive: sensitive(f.Category), UpdatedAt: sub.UpdatedAt})
	}
	return v
}
