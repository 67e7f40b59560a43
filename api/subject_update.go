package api

import (
	"context"

	"github.com/privet-dev/privet/vault"
)

type subjectUpdateInput struct {
	ID   string `path:"id" maxLength:"64" doc:"The subject's id."`
	Body vault.UpdateInput
}

// subjectUpdate changes a subject's data.
func (s *Server) subjectUpdate(ctx context.Context, in *subjectUpdateInput) (*struct{}, error) {
	return &struct{}{}, s.cfg.Vault.Update(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID, in.Body)
}
