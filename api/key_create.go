package api

import (
	"context"

	"github.com/privet-dev/privet"
)

type keyCreateInput struct {
	Body struct {
		Name   string         `json:"name" minLength:"1" maxLength:"100" doc:"A name saying who or what uses the key."`
		Scopes []privet.Scope `json:"scopes" minItems:"1" enum:"vault:read,vault:write,consent:read,consent:write,requests:admin,audit:read,admin" doc:"The scopes the key carries; admin implies all."`
	}
}

type keyCreateOutput struct {
	Body struct {
		*privet.APIKey
		Secret string `json:"secret" doc:"The key's secret. It is shown only now: store it."`
	}
}

// keyCreate issues a key of the caller's tenant and returns its secret once.
func (s *Server) keyCreate(ctx context.Context, in *keyCreateInput) (*keyCreateOutput, error) {
	k, secret, err := s.cfg.Tenancy.CreateAPIKey(ctx, actor(APIKey(ctx)), TenantID(ctx), in.Body.Name, in.Body.Scopes)
	if err != nil {
		return nil, err
	}
	out := &keyCreateOutput{}
	out.Body.APIKey = k
	out.Body.Secret = secret
	return out, nil
}
