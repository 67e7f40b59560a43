package api

import "context"

type incidentIDInput struct {
	ID string `path:"id" maxLength:"64" doc:"The incident's id."`
}

// incidentGet shows an incident with its obligations and deadlines.
func (s *Server) incidentGet(ctx context.Context, in *incidentIDInput) (*incidentOutput, error) {
	svc, err := s.incidents()
	if err != nil {
		return nil, err
	}
	return s.incidentView(ctx, svc, in.ID)
}
