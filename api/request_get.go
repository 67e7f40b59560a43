package api

import (
	"context"
	"encoding/json"

	"github.com/privet-dev/privet"
)

// requestView is a request as the API shows it: no secret (status token
// hash, code hash) and no sealed data; its details are non-personal JSON.
type requestView struct {
	*privet.Request
	Details json.RawMessage `json:"details,omitempty" doc:"What execution did: package id, erasure report, corrected field names. Never values."`
}

func viewRequest(r *privet.Request) *requestView {
	v := &requestView{Request: r}
	if len(r.Details) > 0 {
		v.Details = r.Details
	}
	return v
}

type requestIDInput struct {
	ID string `path:"id" maxLength:"64" doc:"The request's id."`
}

type requestOutput struct {
	Body *requestView
}

// requestGet returns one of the tenant's requests.
func (s *Server) requestGet(ctx context.Context, in *requestIDInput) (*requestOutput, error) {
	r, err := s.cfg.Requests.Get(ctx, TenantID(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &requestOutput{Body: viewRequest(r)}, nil
}
