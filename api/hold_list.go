package api

import (
	"context"

	"github.com/privet-dev/privet"
)

type holdListInput struct {
	SubjectID string `query:"subject_id" maxLength:"64" doc:"Only holds on this subject."`
	Active    bool   `query:"active" doc:"Only holds in force now."`
	After     string `query:"after" maxLength:"64" doc:"The last id of the previous page."`
	Limit     int    `query:"limit" minimum:"0" maximum:"1000" doc:"Page size (default 100)."`
}

type holdListOutput struct {
	Body struct {
		Holds []holdView `json:"holds"`
	}
}

// holdList lists the tenant's legal holds.
func (s *Server) holdList(ctx context.Context, in *holdListInput) (*holdListOutput, error) {
	f := privet.HoldFilter{SubjectID: in.SubjectID, After: in.After, Limit: in.Limit}
	if in.Active {
		f.ActiveAt = s.cfg.Clock.Now()
	}
	hs, err := s.cfg.Retention.Holds(ctx, TenantID(ctx), f)
	if err != nil {
		return nil, err
	}
	out := &holdListOutput{}
	out.Body.Holds = make([]holdView, 0, len(hs))
	for _, h := range hs {
		out.Body.Holds = append(out.Body.Holds, viewHold(h))
	}
	return out, nil
}
