package api

import (
	"context"

	"github.com/privet-dev/privet/vault"
)

type subjectCreateInput struct {
	Body vault.CreateInput
}

type subjectOutput struct {
	Body *vault.SubjectView
}

// subjectCreate stores a new subject; the response echoes what was stored.
func (s *Server) subjectCreate(ctx context.Context, in *subjectCreateInput) (*subjectOutput, error) {
	v, err := s.cfg.Vault.Create(ctx, actor(APIKey(ctx)), TenantID(ctx), in.Body)
	if err != nil {
		return nil, err
	}
	return &subjectOutput{Body: v}, nil
}
