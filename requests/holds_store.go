package requests

import (
	"context"

	"github.com/privet-dev/privet"
)

// LegalHolds reads the legal holds in the store (placed through the
// retention service) as what an erasure must keep: a hold on the subject
// keeps all of its data, a hold on a category keeps that category of every
// subject. The reason names the hold by id; a hold's own reason text stays
// with operators.
type LegalHolds struct {
	Store privet.Store
	Clock privet.Clock
}

// Held returns the holds in force now that cover the subject.
func (h LegalHolds) Held(ctx context.Context, tenantID, subjectID string) ([]Hold, error) {
	now := privet.SystemClock{}.Now()
	if h.Clock != nil {
		now = h.Clock.Now()
	}
	var out []Hold
	err := h.Store.View(ctx, func(tx privet.Tx) error {
		for after := ""; ; {
			page, err := tx.Holds(ctx, tenantID, privet.HoldFilter{ActiveAt: now, After: after, Limit: 1000})
			if err != nil {
				return err
			}
			for _, hold := range page {
				switch {
				case hold.SubjectID == subjectID:
					out = append(out, Hold{Category: "*", Reason: "legal hold " + hold.ID})
				case hold.SubjectID == "" && hold.Category != "":
					out = append(out, Hold{Category: hold.Category, Reason: "legal hold " + hold.ID})
				}
			}
			if len(page) < 1000 {
				return nil
			}
			after = page[len(page)-1].ID
		}
	})
	return out, err
}
