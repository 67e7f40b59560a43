package api

import (
	"context"

	"github.com/privet-dev/privet"
)

type keyListOutput struct {
	Body struct {
		Keys []*privet.APIKey `json:"keys"`
	}
}

// keyList lists the caller's tenant's keys, revoked ones included.
func (s *Server) keyList(ctx context.Context, _ *struct{}) (*keyListOutput, error) {
	ks, err := s.cfg.Tenancy.APIKeys(ctx, TenantID(ctx))
	if err != nil {
		return nil, err
	}
	out := &keyListOutput{}
	out.Body.Keys = ks
	if out.Body.Keys == nil {
		out.Body.Keys = []*privet.APIKey{}
	}
	return out, nil
}
