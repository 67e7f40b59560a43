package api

import (
	"context"

	"github.com/privet-dev/privet"
)

type tenantOutput struct {
	Body *privet.Tenant
}

// tenantGet returns the tenant of the calling key.
func (s *Server) tenantGet(ctx context.Context, _ *struct{}) (*tenantOutput, error) {
	t, err := s.cfg.Tenancy.Tenant(ctx, TenantID(ctx))
	if err != nil {
		return nil, err
	}
	return &tenantOutput{Body: t}, nil
}
