package api

import (
	"context"

	"github.com/privet-dev/privet/vault"
)

type subjectGetInput struct {
	ID      string `path:"id" maxLength:"64" doc:"The subject's id."`
	Purpose string `query:"purpose" required:"true" maxLength:"200" doc:"The data use this read serves; the policy decides which categories it may read."`
	Masked  bool   `query:"masked" doc:"Return desensitized values (a***@example.com, ****1234)."`
}

// subjectGet reads a subject for a declared purpose.
func (s *Server) subjectGet(ctx context.Context, in *subjectGetInput) (*subjectOutput, error) {
	v, err := s.cfg.Vault.Get(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID, vault.ReadOptions{Purpose: in.Purpose, Masked: in.Masked})
	if err != nil {
		return nil, err
	}
	return &subjectOutput{Body: v}, nil
}
