package incident

import (
	"context"
	"strconv"
	"strings"

	"github.com/privet-dev/privet"
)

// findBatch is how many subject ids one transaction records.
const findBatch = 1000

// identityCategories maps each identity type to its data category (as the
// vault does), so a breach of email addresses finds the subjects who have
// an email identity, not only an email field.
var identityCategories = map[privet.IdentityType]string{
	privet.IdentityEmail:      "user.contact.email",
	privet.IdentityPhone:      "user.contact.phone_number",
	privet.IdentityCookieID:   "user.device.cookie_id",
	privet.IdentityExternalID: "user.unique_id",
}

// query is the affected-subjects query of the incident's categories.
func query(inc *privet.Incident) privet.AffectedQuery {
	q := privet.AffectedQuery{Categories: inc.Categories}
	for _, t := range privet.IdentityTypes {
		cat := identityCategories[t]
		for _, c := range inc.Categories {
			if cat == c || strings.HasPrefix(cat, c+".") {
				q.IdentityTypes = append(q.IdentityTypes, t)
				break
			}
		}
	}
	return q
}

// FindAffected records as affected every subject of the tenant holding data
// of the incident's categories (and, when places is not empty, living in
// one of them: DE, US-CA, ...). It reads an index over categories and never
// decrypts a value. Running it again adds only subjects not yet recorded.
// It returns the number of subjects added.
func (s *Service) FindAffected(ctx context.Context, actor privet.Actor, tenantID, id string, places []string) (int, error) {
	if len(places) > maxPlaces {
		return 0, &privet.Error{Code: privet.ETOOLARGE, Field: "jurisdictions", Message: "too many jurisdictions"}
	}
	inc, err := s.get(ctx, tenantID, id)
	if err != nil {
		return 0, err
	}
	q := query(inc)
	q.Jurisdictions, q.Limit = places, findBatch
	total := 0
	for {
		var ids []string
		if err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
			ids, err = tx.AffectedSubjectIDs(ctx, tenantID, q)
			return err
		}); err != nil {
			return total, err
		}
		if len(ids) == 0 {
			break
		}
		err := s.Store.Update(ctx, func(tx privet.Tx) error {
			n, err := tx.AddAffected(ctx, tenantID, id, ids)
			if err != nil {
				return err
			}
			total += n
			ev := auditEvent(actor, inc, "incident.affected", s.clock())
			ev.Reason += ": " + strconv.Itoa(n) + " subjects added"
			return tx.AppendAudit(ctx, ev)
		})
		if err != nil {
			return total, err
		}
		q.After = ids[len(ids)-1]
	}
	return total, nil
}

// Affected pages through the incident's affected subjects: the ids an
// application forces a password reset for when the incident asks for one.
func (s *Service) Affected(ctx context.Context, tenantID, id string, f privet.AffectedFilter) ([]privet.AffectedSubject, error) {
	var out []privet.AffectedSubject
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		if _, err := tx.Incident(ctx, tenantID, id); err != nil {
			return err
		}
		var err error
		out, err = tx.Affected(ctx, tenantID, id, f)
		return err
	})
	if out == nil {
		out = []privet.AffectedSubject{}
	}
	return out, err
}
