package api

import (
	"context"

	"github.com/privet-dev/privet/resources"
)

type resourceHistoryInput struct {
	ID      string `path:"id" maxLength:"128" doc:"The application's id of the resource."`
	Purpose string `query:"purpose" maxLength:"200" doc:"The purpose the actors' names are read for; names are withheld where it may not read user.name."`
	After   int64  `query:"after" minimum:"0" doc:"The next value of the previous page."`
	Limit   int    `query:"limit" minimum:"0" maximum:"500" doc:"Page size (default 100)."`
}

type resourceHistoryOutput struct {
	Body *resources.History
}

// resourceHistory answers who acted on a resource, when and how, with the
// actors' names read for the purpose.
func (s *Server) resourceHistory(ctx context.Context, in *resourceHistoryInput) (*resourceHistoryOutput, error) {
	if s.cfg.Resources == nil {
		return nil, errNoResources()
	}
	h, err := s.cfg.Resources.History(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID,
		resources.HistoryQuery{Purpose: in.Purpose, After: in.After, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return &resourceHistoryOutput{Body: h}, nil
}
