package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
)

type consentListInput struct {
	ID       string `path:"id" maxLength:"64" doc:"The subject's id."`
	AfterSeq int64  `query:"after_seq" minimum:"0" doc:"The seq of the last event of the previous page."`
	Limit    int    `query:"limit" minimum:"0" maximum:"1000" doc:"Page size; 100 by default."`
}

type consentListOutput struct {
	Body struct {
		Events []*privet.ConsentEvent `json:"events"`
	}
}

// consentList returns a subject's consent history, linked visitors' included.
func (s *Server) consentList(ctx context.Context, in *consentListInput) (*consentListOutput, error) {
	evs, err := s.cfg.Consent.Events(ctx, TenantID(ctx), consent.Party{SubjectID: in.ID}, in.AfterSeq, in.Limit)
	if err != nil {
		return nil, err
	}
	out := &consentListOutput{}
	out.Body.Events = evs
	if out.Body.Events == nil {
		out.Body.Events = []*privet.ConsentEvent{}
	}
	return out, nil
}
