package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/vault"
)

type subjectListInput struct {
	Status string `query:"status" enum:"active,closed,restricted,erased," doc:"Only subjects with this status."`
	After  string `query:"after" maxLength:"64" doc:"The last id of the previous page."`
	Limit  int    `query:"limit" minimum:"0" maximum:"1000" doc:"Page size (default 100)."`
}

type subjectListOutput struct {
	Body struct {
		Subjects []vault.SubjectSummary `json:"subjects"`
	}
}

// subjectList lists subjects without any personal data.
func (s *Server) subjectList(ctx context.Context, in *subjectListInput) (*subjectListOutput, error) {
	subs, err := s.cfg.Vault.List(ctx, TenantID(ctx), privet.SubjectFilter{Status: privet.SubjectStatus(in.Status), After: in.After, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	out := &subjectListOutput{}
	out.Body.Subjects = subs
	return out, nil
}
