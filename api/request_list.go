package api

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
)

type requestListInput struct {
	Status    string    `query:"status" maxLength:"32" doc:"Only requests with this status."`
	Type      string    `query:"type" maxLength:"32" doc:"Only requests of this type."`
	SubjectID string    `query:"subject_id" maxLength:"64" doc:"Only this subject's requests."`
	Open      bool      `query:"open" doc:"Only requests still being handled."`
	DueBefore time.Time `query:"due_before" doc:"Only requests due before this time (RFC 3339)."`
	AfterDue  time.Time `query:"after_due" doc:"The due date of the last request of the previous page."`
	AfterID   string    `query:"after_id" maxLength:"64" doc:"The id of the last request of the previous page."`
	Limit     int       `query:"limit" minimum:"0" maximum:"1000" doc:"Page size (default 100)."`
}

type requestListOutput struct {
	Body struct {
		Requests []*requestView `json:"requests"`
	}
}

// requestList lists the tenant's requests by due date, soonest first.
func (s *Server) requestList(ctx context.Context, in *requestListInput) (*requestListOutput, error) {
	rs, err := s.cfg.Requests.List(ctx, TenantID(ctx), privet.RequestFilter{
		Status: privet.RequestStatus(in.Status), Type: in.Type, SubjectID: in.SubjectID, OpenOnly: in.Open,
		DueBefore: in.DueBefore, AfterDue: in.AfterDue, AfterID: in.AfterID, Limit: in.Limit,
	})
	if err != nil {
		return nil, err
	}
	out := &requestListOutput{}
	out.Body.Requests = make([]*requestView, 0, len(rs))
	for _, r := range rs {
		out.Body.Requests = append(out.Body.Requests, viewRequest(r))
	}
	return out, nil
}
