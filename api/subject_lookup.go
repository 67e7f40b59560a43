package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/vault"
)

type subjectLookupInput struct {
	// The identity travels in the body, never in the URL, where proxies and
	// access logs would keep it.
	Body struct {
		Type    privet.IdentityType `json:"type" enum:"email,phone,external_id,cookie_id" doc:"The identity's type."`
		Value   string              `json:"value" maxLength:"320" doc:"The identity; normalized before lookup."`
		Purpose string              `json:"purpose" maxLength:"200" doc:"The data use this read serves."`
		Masked  bool                `json:"masked,omitempty" doc:"Return desensitized values."`
	}
}

// subjectLookup finds a subject by identity through the blind index.
func (s *Server) subjectLookup(ctx context.Context, in *subjectLookupInput) (*subjectOutput, error) {
	b := in.Body
	v, err := s.cfg.Vault.Find(ctx, actor(APIKey(ctx)), TenantID(ctx), vault.IdentityInput{Type: b.Type, Value: b.Value},
		vault.ReadOptions{Purpose: b.Purpose, Masked: b.Masked})
	if err != nil {
		return nil, err
	}
	return &subjectOutput{Body: v}, nil
}
