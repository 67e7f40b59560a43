package api

import (
	"context"

	"github.com/danielgtaylor/huma/v2"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/incident"
)

type incidentPublicInput struct {
	ID     string `path:"id" maxLength:"64" doc:"The incident's id, as the public notice links it."`
	remote string
}

// Resolve keeps the client's address for the rate limit.
func (in *incidentPublicInput) Resolve(ctx huma.Context) []error {
	in.remote = ctx.RemoteAddr()
	return nil
}

type incidentPublicOutput struct {
	Body *incident.Announcement
}

// incidentPublic serves a published breach notice to anyone. Unknown and
// unpublished incidents are the same 404.
func (s *Server) incidentPublic(ctx context.Context, in *incidentPublicInput) (*incidentPublicOutput, error) {
	if !s.public.allow(in.remote) {
		return nil, privet.Errorf(privet.ERATELIMIT, "too many requests from this network; try again later")
	}
	svc, err := s.incidents()
	if err != nil {
		return nil, err
	}
	a, err := svc.Public(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &incidentPublicOutput{Body: a}, nil
}
