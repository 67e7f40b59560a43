package api

import (
	"context"

	"github.com/privet-dev/privet/requests"
)

type requestCreateInput struct {
	Body requests.FileInput
}

type requestCreateOutput struct {
	Body struct {
		Request *requestView `json:"request"`
		// StatusToken is the secret of the request's status link, for the
		// person: GET /v1/public/requests/status/{token}.
		StatusToken string `json:"status_token" doc:"The secret of the request's status link; not stored, shown to the filer."`
	}
}

// requestCreate files a request for the app's signed-in user. A second open
// request of the type by the subject answers with the first.
func (s *Server) requestCreate(ctx context.Context, in *requestCreateInput) (*requestCreateOutput, error) {
	f, err := s.cfg.Requests.File(ctx, actor(APIKey(ctx)), TenantID(ctx), in.Body)
	if err != nil {
		return nil, err
	}
	out := &requestCreateOutput{}
	out.Body.Request, out.Body.StatusToken = viewRequest(f.Request), f.StatusToken
	return out, nil
}
