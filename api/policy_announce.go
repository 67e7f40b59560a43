package api

import (
	"context"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policies"
)

type policyAnnounceInput struct {
	Tenant string `query:"tenant" required:"true" maxLength:"64" doc:"The tenant whose policy the site shows."`
	remote string
}

// Resolve keeps the client's address for the rate limit.
func (in *policyAnnounceInput) Resolve(ctx huma.Context) []error {
	in.remote = ctx.RemoteAddr()
	return nil
}

type policyAnnounceOutput struct {
	AllowOrigin string `header:"Access-Control-Allow-Origin"`
	Body        *policies.PolicyAnnouncement
}

// policyAnnounce tells a site which policy version is in force and which
// changes are coming, so it can announce material changes before they take
// effect (P16). Public and rate-limited; it says nothing about any person.
func (s *Server) policyAnnounce(ctx context.Context, in *policyAnnounceInput) (*policyAnnounceOutput, error) {
	if !s.public.allow(in.remote) {
		return nil, privet.Errorf(privet.ERATELIMIT, "too many requests from this network; try again later")
	}
	if s.cfg.Policies == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "policy versions are not served here")
	}
	if !strings.HasPrefix(in.Tenant, privet.PrefixTenant+"_") {
		return nil, privet.FieldError("tenant", "a tenant id is required")
	}
	a, err := s.cfg.Policies.Announce(ctx, in.Tenant)
	if err != nil {
		return nil, err
	}
	return &policyAnnounceOutput{AllowOrigin: "*", Body: a}, nil
}
