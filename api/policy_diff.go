package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

type policyDiffInput struct {
	From string `query:"from" required:"true" maxLength:"100" doc:"The older version."`
	To   string `query:"to" required:"true" maxLength:"100" doc:"The newer version."`
}

type policyDiffOutput struct {
	Body struct {
		Changes []policy.Change `json:"changes" doc:"What changed, each marked material or not."`
	}
}

// policyDiff lists what changed between two of the tenant's versions.
func (s *Server) policyDiff(ctx context.Context, in *policyDiffInput) (*policyDiffOutput, error) {
	if s.cfg.Policies == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "policy versions are not served here")
	}
	changes, err := s.cfg.Policies.Diff(ctx, TenantID(ctx), in.From, in.To)
	if err != nil {
		return nil, err
	}
	out := &policyDiffOutput{}
	out.Body.Changes = changes
	return out, nil
}
