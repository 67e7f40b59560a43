package api

import (
	"context"
	"time"
)

type incidentRegulatorInput struct {
	ID   string `path:"id" maxLength:"64" doc:"The incident's id."`
	Body *struct {
		At time.Time `json:"at,omitzero" doc:"When the regulator was notified; now when absent."`
	} `required:"false"`
}

// incidentRegulatorNotified records the notification to the regulator.
func (s *Server) incidentRegulatorNotified(ctx context.Context, in *incidentRegulatorInput) (*incidentOutput, error) {
	svc, err := s.incidents()
	if err != nil {
		return nil, err
	}
	var at time.Time
	if in.Body != nil {
		at = in.Body.At
	}
	if _, err := svc.RegulatorNotified(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID, at); err != nil {
		return nil, err
	}
	return s.incidentView(ctx, svc, in.ID)
}

// incidentPublish publishes the public notice.
func (s *Server) incidentPublish(ctx context.Context, in *incidentIDInput) (*incidentOutput, error) {
	svc, err := s.incidents()
	if err != nil {
		return nil, err
	}
	if _, err := svc.Publish(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID); err != nil {
		return nil, err
	}
	return s.incidentView(ctx, svc, in.ID)
}

// incidentClose closes an incident.
func (s *Server) incidentClose(ctx context.Context, in *incidentIDInput) (*incidentOutput, error) {
	svc, err := s.incidents()
	if err != nil {
		return nil, err
	}
	if _, err := svc.Close(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID); err != nil {
		return nil, err
	}
	return s.incidentView(ctx, svc, in.ID)
}
