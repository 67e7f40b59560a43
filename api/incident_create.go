package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/incident"
)

type incidentCreateInput struct {
	Body incident.NewIncident
}

type incidentOutput struct {
	Body *incident.View
}

// incidents returns the incident service, or a 503 when none is configured.
func (s *Server) incidents() (*incident.Service, error) {
	if s.cfg.Incidents == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "incidents are not configured")
	}
	return s.cfg.Incidents, nil
}

// incidentView answers with the incident as it now stands.
func (s *Server) incidentView(ctx context.Context, svc *incident.Service, id string) (*incidentOutput, error) {
	v, err := svc.Get(ctx, TenantID(ctx), id)
	if err != nil {
		return nil, err
	}
	return &incidentOutput{Body: v}, nil
}

// incidentCreate records a breach.
func (s *Server) incidentCreate(ctx context.Context, in *incidentCreateInput) (*incidentOutput, error) {
	svc, err := s.incidents()
	if err != nil {
		return nil, err
	}
	inc, err := svc.Create(ctx, actor(APIKey(ctx)), TenantID(ctx), in.Body)
	if err != nil {
		return nil, err
	}
	return s.incidentView(ctx, svc, inc.ID)
}
