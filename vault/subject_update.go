package vault

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// UpdateInput changes a subject. Nil and empty members change nothing.
type UpdateInput struct {
	Jurisdiction *string `json:"jurisdiction,omitempty"`
	BirthDate    *string `json:"birth_date,omitempty"`
	AgeBand      *string `json:"age_band,omitempty"`
	// SetFields inserts or replaces fields by name.
	SetFields []FieldInput `json:"set_fields,omitempty"`
	// RemoveFields deletes fields by name.
	RemoveFields []string `json:"remove_fields,omitempty"`
	// AddIdentities attaches identities; one taken by another subject is a conflict.
	AddIdentities []IdentityInput `json:"add_identities,omitempty"`
	// RemoveIdentities detaches identities.
	RemoveIdentities []IdentityInput `json:"remove_identities,omitempty"`
}

// Update applies a change to a subject's data. It is audited as
// "subject.update" with the categories touched, never the values.
func (s *Service) Update(ctx context.Context, actor privet.Actor, tenantID, id string, in UpdateInput) error {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return err
	}
	now := s.now().Now()
	if in.Jurisdiction != nil {
		if err := checkJurisdiction("jurisdiction", *in.Jurisdiction); err != nil {
			return err
		}
	}
	if in.BirthDate != nil {
		if err := checkBirthDate("birth_date", *in.BirthDate, now); err != nil {
			return err
		}
	}
	if in.AgeBand != nil {
		if err := checkAgeBand("age_band", *in.AgeBand); err != nil {
			return err
		}
	}
	if err := checkFields(pol, in.SetFields, "set_fields"); err != nil {
		return err
	}
	add, err := normalizeIdentities(pol, in.AddIdentities, "add_identities")
	if err != nil {
		return err
	}
	remove, err := normalizeIdentities(pol, in.RemoveIdentities, "remove_identities")
	if err != nil {
		return err
	}

	seal, err := s.openSealer(ctx, tenantID, id)
	if err != nil {
		return err
	}
	var staged privet.Subject
	staged.TenantID, staged.UpdatedAt = tenantID, now
	birth := ""
	if in.BirthDate != nil {
		birth = *in.BirthDate
	}
	if err := s.sealSubject(seal, &staged, add, birth, in.SetFields); err != nil {
		return err
	}

	ev := actor.Event(tenantID, "subject.update", now)
	ev.SubjectID = id
	cats := subjectCategories(&staged)
	removeIndexes := make([][]byte, len(remove))
	for i, r := range remove {
		cats = append(cats, identityCategory(r.typ))
		removeIndexes[i] = s.Master.BlindIndex(tenantID, string(r.typ), r.value)
	}

	defer s.changed(tenantID, id)
	return s.Store.Update(ctx, func(tx privet.Tx) error {
		sub, err := tx.Subject(ctx, tenantID, id)
		if err != nil {
			return err
		}
		if sub.Status == privet.StatusErased {
			return privet.Errorf(privet.ENOTFOUND, "subject not found")
		}
		if in.Jurisdiction != nil {
			sub.Jurisdiction = *in.Jurisdiction
		}
		if in.AgeBand != nil {
			sub.AgeBand = *in.AgeBand
		}
		if in.BirthDate != nil {
			sub.SealedBirthDate = staged.SealedBirthDate // nil clears it
		}
		if err := keepsRequired(pol, sub, &staged, in.RemoveFields, removeIndexes); err != nil {
			return err
		}
		sub.UpdatedAt, sub.LastActivityAt = now, now
		if err := tx.UpdateSubject(ctx, sub); err != nil {
			return err
		}
		if len(staged.Fields) > 0 {
			if err := tx.PutFields(ctx, tenantID, id, staged.Fields); err != nil {
				return err
			}
		}
		if len(in.RemoveFields) > 0 {
			for _, f := range sub.Fields {
				for _, name := range in.RemoveFields {
					if f.Name == name {
						cats = append(cats, f.Category)
					}
				}
			}
			if err := tx.DeleteFields(ctx, tenantID, id, in.RemoveFields); err != nil {
				return err
			}
		}
		for _, idt := range staged.Identities {
			if err := tx.AddIdentity(ctx, tenantID, id, idt); err != nil {
				return err
			}
		}
		for i, r := range remove {
			err := tx.RemoveIdentity(ctx, tenantID, id, r.typ, removeIndexes[i])
			if err != nil {
				return fmt.Errorf("remove_identities[%d]: %w", i, err)
			}
		}
		ev.Categories = sortedSet(cats)
		return tx.AppendAudit(ctx, ev)
	})
}

// keepsRequired refuses an update that would take away the last field or
// identity of a category the policy marks required. A category the subject
// lacked before the update (a policy made it required later) does not block
// other changes; only erasure removes a required category. The error names
// the part of the update that took it away.
func keepsRequired(pol *policy.Compiled, before, staged *privet.Subject, removeFields []string, removeIndexes [][]byte) error {
	var had, after, removedIdentities []string
	for _, idt := range before.Identities {
		had = append(had, identityCategory(idt.Type))
		if slices.ContainsFunc(removeIndexes, func(ix []byte) bool { return bytes.Equal(ix, idt.Index) }) {
			removedIdentities = append(removedIdentities, identityCategory(idt.Type))
		} else {
			after = append(after, identityCategory(idt.Type))
		}
	}
	for _, f := range before.Fields {
		had = append(had, f.Category)
		replaced := slices.ContainsFunc(staged.Fields, func(s privet.Field) bool { return s.Name == f.Name })
		if !replaced && !slices.Contains(removeFields, f.Name) {
			after = append(after, f.Category)
		}
	}
	for _, idt := range staged.Identities {
		after = append(after, identityCategory(idt.Type))
	}
	for _, f := range staged.Fields {
		after = append(after, f.Category)
	}
	lacked := pol.MissingRequired(had)
	for _, missing := range pol.MissingRequired(after) {
		if slices.Contains(lacked, missing) {
			continue
		}
		field := "set_fields"
		switch {
		case !slices.Contains(pol.MissingRequired(removedIdentities), missing):
			field = "remove_identities"
		case len(removeFields) > 0:
			field = "remove_fields"
		}
		return privet.FieldError(field, "the policy requires category %s: the subject must keep a field or an identity of it", missing)
	}
	return nil
}
