package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policies"
)

type policyVersionGetInput struct {
	Version string `path:"version" maxLength:"100" doc:"The policy's version string."`
}

type policyVersionGetOutput struct {
	Body *policies.VersionView
}

// policyVersionGet returns one version with its source.
func (s *Server) policyVersionGet(ctx context.Context, in *policyVersionGetInput) (*policyVersionGetOutput, error) {
	if s.cfg.Policies == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "policy versions are not served here")
	}
	v, err := s.cfg.Policies.Version(ctx, TenantID(ctx), in.Version)
	if err != nil {
		return nil, err
	}
	return &policyVersionGetOutput{Body: v}, nil
}
