package api

import (
	"context"

	"github.com/privet-dev/privet"
)

// subjectLifecycle returns the handler of one lifecycle action (close,
// restrict, reactivate, touch): each is a status change the vault audits.
func (s *Server) subjectLifecycle(change func(context.Context, privet.Actor, string, string) error) func(context.Context, *subjectIDInput) (*struct{}, error) {
	return func(ctx context.Context, in *subjectIDInput) (*struct{}, error) {
		return &struct{}{}, change(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID)
	}
}
