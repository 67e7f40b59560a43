package requests

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/vault"
)

// VaultSource is the vault as a data source: the first place a request's
// execution looks.
type VaultSource struct {
	Vault *vault.Service
	Store privet.Store
}

var _ privet.DataSource = (*VaultSource)(nil)

// Name is "vault".
func (*VaultSource) Name() string { return "vault" }

func (v *VaultSource) subject(ctx context.Context, tenantID, subjectID string) (*privet.Subject, error) {
	var sub *privet.Subject
	err := v.Store.View(ctx, func(tx privet.Tx) (err error) {
		sub, err = tx.Subject(ctx, tenantID, subjectID)
		return err
	})
	return sub, err
}

// identityCategories mirrors the vault's: each identity type belongs to a
// data category.
var identityCategories = map[privet.IdentityType]string{
	privet.IdentityEmail:      "user.contact.email",
	privet.IdentityPhone:      "user.contact.phone_number",
	privet.IdentityCookieID:   "user.device.cookie_id",
	privet.IdentityExternalID: "user.unique_id",
}

// Access lists the subject's fields and identities by category, without
// decrypting anything.
func (v *VaultSource) Access(ctx context.Context, tenantID, subjectID string) (*privet.SourceInventory, error) {
	sub, err := v.subject(ctx, tenantID, subjectID)
	if err != nil {
		return nil, err
	}
	inv := &privet.SourceInventory{Source: v.Name(), Fields: map[string][]string{}}
	for _, f := range sub.Fields {
		inv.Fields[f.Category] = append(inv.Fields[f.Category], f.Name)
	}
	for _, id := range sub.Identities {
		c := identityCategories[id.Type]
		inv.Fields[c] = append(inv.Fields[c], "identity:"+string(id.Type))
	}
	return inv, nil
}

func under(category, kept string) bool {
	return kept == "*" || category == kept || strings.HasPrefix(category, kept+".")
}

// Erase destroys the subject's key when the scope is everything and nothing
// is kept (crypto-shredding every copy); otherwise it deletes the fields in
// scope outside the kept categories and keeps the key the rest needs. An
// erasure limited to categories never touches identities: the account they
// find stays. Erasing twice does nothing more.
func (v *VaultSource) Erase(ctx context.Context, tenantID, subjectID string, scope privet.ErasureScope) (*privet.ErasureReport, error) {
	sub, err := v.subject(ctx, tenantID, subjectID)
	if err != nil {
		return nil, err
	}
	rep := &privet.ErasureReport{Source: v.Name()}
	inScope := func(c string) bool {
		return len(scope.Categories) == 0 || slices.ContainsFunc(scope.Categories, func(k string) bool { return under(c, k) })
	}
	isKept := func(c string) *privet.KeptCategory {
		for i := range scope.Keep {
			if under(c, scope.Keep[i].Category) {
				return &scope.Keep[i]
			}
		}
		return nil
	}
	cats := map[string]bool{}
	var remove []string
	for _, f := range sub.Fields {
		if !inScope(f.Category) {
			continue
		}
		cats[f.Category] = true
		if isKept(f.Category) == nil {
			remove = append(remove, f.Name)
		}
	}
	if len(scope.Categories) == 0 {
		for _, id := range sub.Identities {
			cats[identityCategories[id.Type]] = true
		}
	}
	for c := range cats {
		if k := isKept(c); k != nil {
			rep.Kept = append(rep.Kept, privet.KeptCategory{Category: c, Reason: k.Reason})
		} else {
			rep.Erased = append(rep.Erased, c)
		}
	}
	slices.Sort(rep.Erased)
	slices.SortFunc(rep.Kept, func(a, b privet.KeptCategory) int { return strings.Compare(a.Category, b.Category) })
	switch {
	case len(scope.Categories) == 0 && len(scope.Keep) == 0:
		if sub.Status != privet.StatusErased {
			if err := v.Vault.Erase(ctx, systemActor, tenantID, subjectID); err != nil {
				return nil, err
			}
		}
	case len(remove) > 0:
		// Identities stay: a kept record is still found by them.
		if err := v.Vault.Update(ctx, systemActor, tenantID, subjectID, vault.UpdateInput{RemoveFields: remove}); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// Rectify replaces the named fields' values, keeping their categories. The
// vault audits the change by category, never by value.
func (v *VaultSource) Rectify(ctx context.Context, tenantID, subjectID string, corrections map[string]string) error {
	sub, err := v.subject(ctx, tenantID, subjectID)
	if errors.Is(err, privet.ErrNotFound) {
		return privet.Errorf(privet.ENOTFOUND, "subject not found")
	} else if err != nil {
		return err
	}
	names := make([]string, 0, len(corrections))
	for n := range corrections {
		names = append(names, n)
	}
	slices.Sort(names)
	var set []vault.FieldInput
	for _, n := range names {
		i := slices.IndexFunc(sub.Fields, func(f privet.Field) bool { return f.Name == n })
		if i < 0 {
			return privet.FieldError("corrections", "the subject has no field %q", n)
		}
		set = append(set, vault.FieldInput{Name: n, Category: sub.Fields[i].Category, Value: corrections[n]})
	}
	return v.Vault.Update(ctx, systemActor, tenantID, subjectID, vault.UpdateInput{SetFields: set})
}
