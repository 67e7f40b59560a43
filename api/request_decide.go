package api

import (
	"context"

	"github.com/privet-dev/privet"
)

// requestAction returns the handler of one state change without a body
// (approve, accept-fee, confirm, await-info, resume).
func (s *Server) requestAction(change func(context.Context, privet.Actor, string, string) (*privet.Request, error)) func(context.Context, *requestIDInput) (*requestOutput, error) {
	return func(ctx context.Context, in *requestIDInput) (*requestOutput, error) {
		r, err := change(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID)
		if err != nil {
			return nil, err
		}
		return &requestOutput{Body: viewRequest(r)}, nil
	}
}

type requestReasonInput struct {
	ID   string `path:"id" maxLength:"64" doc:"The request's id."`
	Body struct {
		Reason string `json:"reason,omitempty" maxLength:"500" doc:"Why; the requester is told. Required."`
	}
}

// requestReasoned returns the handler of a state change with a reason
// (deny, extend).
func (s *Server) requestReasoned(change func(context.Context, privet.Actor, string, string, string) (*privet.Request, error)) func(context.Context, *requestReasonInput) (*requestOutput, error) {
	return func(ctx context.Context, in *requestReasonInput) (*requestOutput, error) {
		r, err := change(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID, in.Body.Reason)
		if err != nil {
			return nil, err
		}
		return &requestOutput{Body: viewRequest(r)}, nil
	}
}

type requestVerifyAppInput struct {
	ID   string `path:"id" maxLength:"64" doc:"The public request's id."`
	Body struct {
		SubjectID string `json:"subject_id,omitempty" maxLength:"64" doc:"The signed-in subject the requester is. Required."`
	}
}

// requestVerifyApp lets the app vouch for a public request's requester.
func (s *Server) requestVerifyApp(ctx context.Context, in *requestVerifyAppInput) (*requestOutput, error) {
	r, err := s.cfg.Requests.VerifyAsApp(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID, in.Body.SubjectID)
	if err != nil {
		return nil, err
	}
	return &requestOutput{Body: viewRequest(r)}, nil
}
