package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/complaint"
)

type complaintListInput struct {
	Status  string `query:"status" enum:"open,answered,escalated," doc:"Only complaints in this status."`
	Overdue bool   `query:"overdue" doc:"Only unanswered complaints past their due date."`
	After   string `query:"after" maxLength:"64" doc:"The id of the last complaint of the previous page."`
	Limit   int    `query:"limit" minimum:"0" maximum:"1000" doc:"Page size (default 100)."`
}

type complaintListOutput struct {
	Body struct {
		Complaints []*complaint.Complaint `json:"complaints"`
		Counts     privet.ComplaintCounts `json:"counts"`
	}
}

// complaintList lists complaints by due date, with the tenant's counts.
func (s *Server) complaintList(ctx context.Context, in *complaintListInput) (*complaintListOutput, error) {
	if s.cfg.Complaints == nil {
		return nil, errNoComplaints()
	}
	cs, counts, err := s.cfg.Complaints.List(ctx, TenantID(ctx), complaint.ListInput{Status: in.Status, Overdue: in.Overdue, After: in.After, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	out := &complaintListOutput{}
	out.Body.Complaints, out.Body.Counts = cs, counts
	return out, nil
}
