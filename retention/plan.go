package retention

import (
	"context"
	"slices"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// PlanItem is one thing retention will do, and when.
type PlanItem struct {
	SubjectID  string    `json:"subject_id"`
	RuleKey    string    `json:"rule"`
	Action     string    `json:"action"`
	DueAt      time.Time `json:"due_at"`
	Categories []string  `json:"categories"`
	// HoldID names an active hold that would keep the subject today.
	HoldID string `json:"hold_id,omitempty"`
}

// PlanPage is a page of the plan; Next is the cursor of the next page, nil
// at the end.
type PlanPage struct {
	Items []PlanItem              `json:"items"`
	Next  *privet.RetentionCursor `json:"-"`
}

// Plan lists what retention will do to the tenant's subjects, in due order,
// changing nothing. f.Before limits it to items due by then.
func (s *Service) Plan(ctx context.Context, tenantID string, f privet.RetentionFilter) (*PlanPage, error) {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	var items []privet.RetentionItem
	var holds []*privet.Hold
	err = s.Store.View(ctx, func(tx privet.Tx) (err error) {
		if items, err = tx.ScheduledRetention(ctx, tenantID, f); err != nil {
			return err
		}
		holds, err = activeHolds(ctx, tx, tenantID, s.now().Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	page := &PlanPage{Items: make([]PlanItem, 0, len(items))}
	for _, it := range items {
		pi := PlanItem{SubjectID: it.SubjectID, RuleKey: it.RuleKey, Action: it.Action, DueAt: it.DueAt, Categories: []string{}}
		if r, ok := pol.Rule(it.RuleKey); ok {
			pi.Categories = append(append(pi.Categories, r.Categories...), purposeCategories(pol.Policy.Purposes, r.Purposes)...)
		}
		for _, h := range holds {
			if h.SubjectID == it.SubjectID {
				pi.HoldID = h.ID
			}
		}
		page.Items = append(page.Items, pi)
	}
	if len(items) == f.Limit {
		c := items[len(items)-1].Cursor()
		page.Next = &c
	}
	return page, nil
}

// purposeCategories lists the categories the named purposes read.
func purposeCategories(purposes []policy.Purpose, names []string) []string {
	var out []string
	for _, p := range purposes {
		if slices.Contains(names, p.Key) {
			for _, c := range p.Categories {
				if !slices.Contains(out, c) {
					out = append(out, c)
				}
			}
		}
	}
	return out
}
