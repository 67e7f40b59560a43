package api

import (
	"context"
)

type keyRevokeInput struct {
	ID string `path:"id" maxLength:"64" doc:"The key's id."`
}

// keyRevoke revokes one of the caller's tenant's keys; another tenant's key
// is not found.
func (s *Server) keyRevoke(ctx context.Context, in *keyRevokeInput) (*struct{}, error) {
	if err := s.cfg.Tenancy.RevokeAPIKey(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
