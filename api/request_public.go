package api

import (
	"context"

	"github.com/danielgtaylor/huma/v2"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/requests"
)

// Limits of the public request routes: per client network (the server's
// public limiter) and per identity, so one address or one person cannot
// flood another's inbox with codes.
const (
	publicRequestsPerIdentityPerSecond = 1.0 / 60 // one a minute, sustained
	publicRequestsPerIdentityBurst     = 5
	publicRequestIdentities            = 100_000
)

type publicRequestInput struct {
	Body struct {
		Tenant string `json:"tenant" maxLength:"64" doc:"The tenant the request is made to."`
		requests.PublicInput
	}
	remote string
}

// Resolve keeps the client's address for the rate limit.
func (in *publicRequestInput) Resolve(ctx huma.Context) []error {
	in.remote = ctx.RemoteAddr()
	return nil
}

type publicRequestOutput struct {
	Body struct {
		ID          string `json:"id" doc:"The request's id."`
		Status      string `json:"status" doc:"pending_verification: a code was sent to the identity given."`
		StatusToken string `json:"status_token" doc:"The secret of the status link; keep it."`
	}
}

// publicRequestCreate files a request from anyone. The answer has the same
// shape and the same work behind it whether or not the person is known.
func (s *Server) publicRequestCreate(ctx context.Context, in *publicRequestInput) (*publicRequestOutput, error) {
	if !s.public.allow(in.remote) {
		return nil, privet.Errorf(privet.ERATELIMIT, "too many requests from this network; try again later")
	}
	if in.Body.Tenant == "" {
		return nil, privet.FieldError("tenant", "a tenant id is required")
	}
	key, err := s.cfg.Requests.IdentityKey(in.Body.Tenant, in.Body.Identity)
	if err != nil {
		return nil, err
	}
	if !s.identities.allow(key) {
		return nil, privet.Errorf(privet.ERATELIMIT, "too many requests for this identity; try again later")
	}
	f, err := s.cfg.Requests.FilePublic(ctx, in.Body.Tenant, in.Body.PublicInput)
	if err != nil {
		return nil, err
	}
	out := &publicRequestOutput{}
	out.Body.ID, out.Body.Status, out.Body.StatusToken = f.Request.ID, string(f.Request.Status), f.StatusToken
	return out, nil
}

type publicVerifyInput struct {
	Body struct {
		Token string `json:"token" maxLength:"128" doc:"The status link's token."`
		Code  string `json:"code" maxLength:"16" doc:"The code sent to the identity."`
	}
	remote string
}

// Resolve keeps the client's address for the rate limit.
func (in *publicVerifyInput) Resolve(ctx huma.Context) []error {
	in.remote = ctx.RemoteAddr()
	return nil
}

type publicStatusOutput struct {
	Body *requests.StatusView
}

// publicRequestVerify checks a request's code: five wrong ones lock it.
func (s *Server) publicRequestVerify(ctx context.Context, in *publicVerifyInput) (*publicStatusOutput, error) {
	if !s.public.allow(in.remote) {
		return nil, privet.Errorf(privet.ERATELIMIT, "too many attempts from this network; try again later")
	}
	if _, err := s.cfg.Requests.Verify(ctx, in.Body.Token, in.Body.Code); err != nil {
		return nil, err
	}
	v, err := s.cfg.Requests.Status(ctx, in.Body.Token)
	return &publicStatusOutput{Body: v}, err
}

type publicTokenInput struct {
	Body struct {
		Token string `json:"token" maxLength:"128" doc:"The status link's token."`
	}
	remote string
}

// Resolve keeps the client's address for the rate limit.
func (in *publicTokenInput) Resolve(ctx huma.Context) []error {
	in.remote = ctx.RemoteAddr()
	return nil
}

// publicRequestCode sends a new code for a request still waiting for one.
func (s *Server) publicRequestCode(ctx context.Context, in *publicTokenInput) (*struct{}, error) {
	if !s.public.allow(in.remote) {
		return nil, privet.Errorf(privet.ERATELIMIT, "too many attempts from this network; try again later")
	}
	return &struct{}{}, s.cfg.Requests.SendCode(ctx, in.Body.Token)
}

// publicRequestConfirm records the requester's confirmation of an erasure.
func (s *Server) publicRequestConfirm(ctx context.Context, in *publicTokenInput) (*publicStatusOutput, error) {
	if !s.public.allow(in.remote) {
		return nil, privet.Errorf(privet.ERATELIMIT, "too many attempts from this network; try again later")
	}
	if _, err := s.cfg.Requests.ConfirmByToken(ctx, in.Body.Token); err != nil {
		return nil, err
	}
	v, err := s.cfg.Requests.Status(ctx, in.Body.Token)
	return &publicStatusOutput{Body: v}, err
}

type publicStatusInput struct {
	Token  string `path:"token" maxLength:"128" doc:"The status link's token."`
	remote string
}

// Resolve keeps the client's address for the rate limit.
func (in *publicStatusInput) Resolve(ctx huma.Context) []error {
	in.remote = ctx.RemoteAddr()
	return nil
}

// publicRequestStatus shows a request's status to whoever holds its link.
func (s *Server) publicRequestStatus(ctx context.Context, in *publicStatusInput) (*publicStatusOutput, error) {
	if !s.public.allow(in.remote) {
		return nil, privet.Errorf(privet.ERATELIMIT, "too many attempts from this network; try again later")
	}
	v, err := s.cfg.Requests.Status(ctx, in.Token)
	if err != nil {
		return nil, err
	}
	return &publicStatusOutput{Body: v}, nil
}
