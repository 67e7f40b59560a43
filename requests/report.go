package requests

import (
	"context"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/privet-dev/privet"
)

// Report is the yearly (or any period's) account of requests that the
// California regulations ask of large businesses (Cal. Code Regs. tit. 11
// §7102): per type, how many were received, complied with in whole or in
// part, denied (by reason), and the median and mean days to respond.
type Report struct {
	From  time.Time    `json:"from"`
	To    time.Time    `json:"to"`
	Types []TypeReport `json:"types"`
}

// TypeReport is one request type's line of a Report.
type TypeReport struct {
	Type           string         `json:"type"`
	Received       int            `json:"received"`
	CompliedWhole  int            `json:"complied_whole"`
	CompliedInPart int            `json:"complied_in_part"`
	NoData         int            `json:"no_data"`
	Denied         int            `json:"denied"`
	DeniedBy       map[string]int `json:"denied_by,omitempty"`
	Open           int            `json:"open"`
	Expired        int            `json:"expired"`
	MedianDays     float64        `json:"median_days"`
	MeanDays       float64        `json:"mean_days"`
}

// Report counts the tenant's requests received in [from, to). Duplicates
// merged into an open request are not counted twice.
func (s *Service) Report(ctx context.Context, tenantID string, from, to time.Time) (*Report, error) {
	if from.IsZero() || to.IsZero() || !from.Before(to) {
		return nil, privet.FieldError("from", "the period must start before it ends")
	}
	byType := map[string]*TypeReport{}
	days := map[string][]float64{}
	f := privet.RequestFilter{ReceivedFrom: from, ReceivedTo: to, Limit: 1000}
	for {
		var page []*privet.Request
		if err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
			page, err = tx.Requests(ctx, tenantID, f)
			return err
		}); err != nil {
			return nil, err
		}
		for _, r := range page {
			if r.Outcome == privet.OutcomeDuplicate {
				continue
			}
			t := byType[r.Type]
			if t == nil {
				t = &TypeReport{Type: r.Type}
				byType[r.Type] = t
			}
			t.Received++
			switch r.Outcome {
			case privet.OutcomeComplied, privet.OutcomeRouted:
				t.CompliedWhole++
			case privet.OutcomeCompliedInPart:
				t.CompliedInPart++
			case privet.OutcomeNoData:
				t.NoData++
			case privet.OutcomeDenied:
				t.Denied++
				if t.DeniedBy == nil {
					t.DeniedBy = map[string]int{}
				}
				t.DeniedBy[r.DenyReason]++
			case privet.OutcomeExpired:
				t.Expired++
			default:
				t.Open++
			}
			if r.CompletedAt != nil && r.Outcome != privet.OutcomeExpired {
				days[r.Type] = append(days[r.Type], r.CompletedAt.Sub(r.ReceivedAt).Hours()/24)
			}
		}
		if len(page) < f.Limit {
			break
		}
		last := page[len(page)-1]
		f.AfterDue, f.AfterID = last.DueAt, last.ID
	}
	rep := &Report{From: from, To: to}
	for typ, t := range byType {
		t.MedianDays, t.MeanDays = median(days[typ]), mean(days[typ])
		rep.Types = append(rep.Types, *t)
	}
	slices.SortFunc(rep.Types, func(a, b TypeReport) int {
		switch {
		case a.Type < b.Type:
			return -1
		case a.Type > b.Type:
			return 1
		}
		return 0
	})
	return rep, nil
}

func round1(x float64) float64 { return float64(int64(x*10+0.5)) / 10 }

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	return round1(sum / float64(len(xs)))
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return round1(s[n/2])
	}
	return round1((s[len(s)/2-1] + s[len(s)/2]) / 2)
}

// WriteCSV writes the report as CSV, one line per type; denials by reason
// go in one column as reason=count pairs.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"type", "received", "complied_whole", "complied_in_part", "no_data", "denied", "denied_by",
		"open", "expired", "median_days", "mean_days"})
	for _, t := range r.Types {
		reasons := make([]string, 0, len(t.DeniedBy))
		for k := range t.DeniedBy {
			reasons = append(reasons, k)
		}
		slices.Sort(reasons)
		var by string
		for i, k := range reasons {
			if i > 0 {
				by += ";"
			}
			by += k + "=" + strconv.Itoa(t.DeniedBy[k])
		}
		_ = cw.Write([]string{t.Type, strconv.Itoa(t.Received), strconv.Itoa(t.CompliedWhole), strconv.Itoa(t.CompliedInPart),
			strconv.Itoa(t.NoData), strconv.Itoa(t.Denied), by, strconv.Itoa(t.Open), strconv.Itoa(t.Expired),
			strconv.FormatFloat(t.MedianDays, 'f', 1, 64), strconv.FormatFloat(t.MeanDays, 'f', 1, 64)})
	}
	cw.Flush()
	return cw.Error()
}
