package api

import "context"

type subjectIDInput struct {
	ID string `path:"id" maxLength:"64" doc:"The subject's id."`
}

// subjectErase erases a subject by destroying its data key and rows.
func (s *Server) subjectErase(ctx context.Context, in *subjectIDInput) (*struct{}, error) {
	return &struct{}{}, s.cfg.Vault.Erase(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID)
}
