package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policies"
)

type policyVersionsOutput struct {
	Body struct {
		Versions []policies.VersionView `json:"versions" doc:"Published versions by effective date, each scheduled, in force or superseded."`
	}
}

// policyVersions lists the tenant's published policy versions.
func (s *Server) policyVersions(ctx context.Context, _ *struct{}) (*policyVersionsOutput, error) {
	if s.cfg.Policies == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "policy versions are not served here")
	}
	vs, err := s.cfg.Policies.Versions(ctx, TenantID(ctx))
	if err != nil {
		return nil, err
	}
	out := &policyVersionsOutput{}
	out.Body.Versions = vs
	if out.Body.Versions == nil {
		out.Body.Versions = []policies.VersionView{}
	}
	return out, nil
}
