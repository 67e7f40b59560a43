package api

import (
	"context"

	"github.com/privet-dev/privet/consent"
)

type decideBatchInput struct {
	Body struct {
		Purpose    string   `json:"purpose" maxLength:"200" doc:"The purpose to decide."`
		SubjectIDs []string `json:"subject_ids" maxItems:"100000" doc:"Up to 100,000 subject ids, e.g. a mailing list."`
	}
}

type decideBatchOutput struct {
	Body struct {
		Decisions []consent.Decision `json:"decisions"`
	}
}

// decideBatch decides one purpose for many subjects, in the order given.
func (s *Server) decideBatch(ctx context.Context, in *decideBatchInput) (*decideBatchOutput, error) {
	ds, err := s.cfg.Consent.DecideBatch(ctx, TenantID(ctx), in.Body.Purpose, in.Body.SubjectIDs)
	if err != nil {
		return nil, err
	}
	out := &decideBatchOutput{}
	out.Body.Decisions = ds
	return out, nil
}
