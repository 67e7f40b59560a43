package api

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/retention"
)

type retentionPlanInput struct {
	SubjectID string    `query:"subject_id" maxLength:"64" doc:"Only this subject's items."`
	Before    time.Time `query:"before" doc:"Only items due by then (RFC 3339)."`
	After     string    `query:"after" maxLength:"512" doc:"The next token of the previous page."`
	Limit     int       `query:"limit" minimum:"0" maximum:"1000" doc:"Page size (default 100)."`
}

type retentionPlanOutput struct {
	Body struct {
		Items []retention.PlanItem `json:"items"`
		Next  string               `json:"next,omitempty" doc:"Pass as after for the next page."`
		// Records is on the first page only: it does not page.
		Records []retention.RecordPlan `json:"records,omitempty" doc:"Privet's own records (visitors' consent events, audit events, export packages, closed requests) a sweep would act on now, per rule; on the first page only."`
	}
}

// retentionPlan lists what retention will do to which subject and when,
// changing nothing.
func (s *Server) retentionPlan(ctx context.Context, in *retentionPlanInput) (*retentionPlanOutput, error) {
	f := privet.RetentionFilter{SubjectID: in.SubjectID, Before: in.Before, Limit: in.Limit}
	if in.After != "" {
		var err error
		if f.After, err = retention.ParseCursor(in.After); err != nil {
			return nil, err
		}
	}
	page, err := s.cfg.Retention.Plan(ctx, TenantID(ctx), f)
	if err != nil {
		return nil, err
	}
	out := &retentionPlanOutput{}
	out.Body.Items = page.Items
	if in.After == "" && in.SubjectID == "" {
		if out.Body.Records, err = s.cfg.Retention.PlanRecords(ctx, TenantID(ctx)); err != nil {
			return nil, err
		}
	}
	if page.Next != nil {
		out.Body.Next = retention.FormatCursor(*page.Next)
	}
	return out, nil
}
