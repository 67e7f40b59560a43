package transfer

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/privet-dev/privet"
)

// maxScan bounds how many audit events one report reads: a subject's
// disclosures in a year, not the whole log.
const maxScan = 100_000

// Disclosure is one allowed disclosure of a subject's data, as the audit log
// recorded it, with what the policy says about the recipient.
type Disclosure struct {
	Time       time.Time `json:"time"`
	Recipient  string    `json:"recipient"`
	Name       string    `json:"recipient_name,omitempty"`
	Type       string    `json:"recipient_type,omitempty"`
	Purpose    string    `json:"purpose"`
	Categories []string  `json:"categories"`
	// DirectMarketing marks a recipient declared as using the data for its
	// own direct marketing (California Shine the Light).
	DirectMarketing bool `json:"direct_marketing,omitempty"`
}

// Disclosures returns the subject's disclosures at or after since and before
// until (zero times do not bound), oldest first. It reads only the audit
// log, so it also lists disclosures to recipients a later policy dropped.
func (s *Service) Disclosures(ctx context.Context, tenantID, subjectID string, since, until time.Time) ([]Disclosure, error) {
	if subjectID == "" {
		return nil, privet.FieldError("subject_id", "required")
	}
	if !since.IsZero() && !until.IsZero() && until.Before(since) {
		return nil, privet.FieldError("until", "must not be before since")
	}
	pol, err := s.policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	var out []Disclosure
	err = s.Store.View(ctx, func(tx privet.Tx) error {
		if _, err := tx.Subject(ctx, tenantID, subjectID); err != nil {
			return err
		}
		q := privet.AuditQuery{SubjectID: subjectID, Action: ActionDisclose, Since: since, Until: until, Limit: 1000}
		for scanned := 0; scanned < maxScan; {
			evs, err := tx.AuditEvents(ctx, tenantID, q)
			if err != nil {
				return err
			}
			for _, ev := range evs {
				if ev.Result != privet.ResultOK {
					continue
				}
				d := Disclosure{Time: ev.Time, Recipient: strings.TrimPrefix(ev.Reason, "recipient:"), Purpose: ev.Purpose, Categories: ev.Categories}
				if r, ok := pol.Recipient(d.Recipient); ok {
					d.Name, d.Type, d.DirectMarketing = r.Name, r.Type, r.DirectMarketing
				}
				out = append(out, d)
			}
			if len(evs) < q.Limit {
				return nil
			}
			scanned += len(evs)
			q.AfterSeq = evs[len(evs)-1].Seq
		}
		return privet.Errorf(privet.ETOOLARGE, "more than %d disclosure records in the period: narrow it", maxScan)
	})
	return out, err
}

// RecipientSummary is one recipient in a report: what it received, and when last.
type RecipientSummary struct {
	Recipient       string    `json:"recipient"`
	Name            string    `json:"recipient_name,omitempty"`
	Type            string    `json:"recipient_type,omitempty"`
	Purposes        []string  `json:"purposes"`
	Categories      []string  `json:"categories"`
	DirectMarketing bool      `json:"direct_marketing,omitempty"`
	Last            time.Time `json:"last"`
}

// Recipients folds disclosures into one line per recipient, sorted by key:
// the "categories of third parties to whom disclosed" of a right to know.
func Recipients(ds []Disclosure) []RecipientSummary {
	byKey := map[string]*RecipientSummary{}
	for _, d := range ds {
		r := byKey[d.Recipient]
		if r == nil {
			r = &RecipientSummary{Recipient: d.Recipient, Name: d.Name, Type: d.Type, DirectMarketing: d.DirectMarketing}
			byKey[d.Recipient] = r
		}
		if !slices.Contains(r.Purposes, d.Purpose) {
			r.Purposes = append(r.Purposes, d.Purpose)
		}
		for _, c := range d.Categories {
			if !slices.Contains(r.Categories, c) {
				r.Categories = append(r.Categories, c)
			}
		}
		if d.Time.After(r.Last) {
			r.Last = d.Time
		}
	}
	out := make([]RecipientSummary, 0, len(byKey))
	for _, r := range byKey {
		slices.Sort(r.Purposes)
		slices.Sort(r.Categories)
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b RecipientSummary) int { return strings.Compare(a.Recipient, b.Recipient) })
	return out
}

// Report kinds.
const (
	// ReportLast12Months lists every recipient in the twelve months before
	// now: the CCPA right to know (Cal. Civ. Code §1798.110, §1798.115).
	ReportLast12Months = "last_12_months"
	// ReportShineTheLight lists the recipients that used the data for their
	// own direct marketing in the prior calendar year (Cal. Civ. Code §1798.83).
	ReportShineTheLight = "shine_the_light"
)

// RecipientReport is a subject's recipients over a period.
type RecipientReport struct {
	Kind       string             `json:"kind"`
	Since      time.Time          `json:"since"`
	Until      time.Time          `json:"until"`
	Recipients []RecipientSummary `json:"recipients"`
}

// Period returns the period a report kind covers at now. EINVALID (field
// "kind") for an unknown kind.
func Period(kind string, now time.Time) (since, until time.Time, err error) {
	now = now.UTC()
	switch kind {
	case ReportLast12Months:
		return now.AddDate(-1, 0, 0), now, nil
	case ReportShineTheLight:
		year := now.Year() - 1
		return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC), nil
	}
	return time.Time{}, time.Time{}, privet.FieldError("kind", "want %s or %s", ReportLast12Months, ReportShineTheLight)
}

// Report builds a subject's report of the kind at the clock's now.
func (s *Service) Report(ctx context.Context, tenantID, subjectID, kind string) (*RecipientReport, error) {
	since, until, err := Period(kind, s.now().Now())
	if err != nil {
		return nil, err
	}
	bound := until
	if kind == ReportLast12Months {
		bound = time.Time{} // up to now, and a disclosure at this very instant counts
	}
	ds, err := s.Disclosures(ctx, tenantID, subjectID, since, bound)
	if err != nil {
		return nil, err
	}
	if kind == ReportShineTheLight {
		ds = slices.DeleteFunc(ds, func(d Disclosure) bool { return !d.DirectMarketing })
	}
	return &RecipientReport{Kind: kind, Since: since, Until: until, Recipients: Recipients(ds)}, nil
}
