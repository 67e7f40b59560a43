package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/incident"
)

type incidentListInput struct {
	Status string `query:"status" enum:"open,notified,closed," doc:"Only incidents with this status."`
	After  string `query:"after" maxLength:"64" doc:"The last id of the previous page."`
	Limit  int    `query:"limit" minimum:"0" maximum:"1000" doc:"Page size (default 100)."`
}

type incidentListOutput struct {
	Body struct {
		Incidents []incident.Summary `json:"incidents"`
	}
}

// incidentList lists incidents with their deadline state.
func (s *Server) incidentList(ctx context.Context, in *incidentListInput) (*incidentListOutput, error) {
	svc, err := s.incidents()
	if err != nil {
		return nil, err
	}
	list, err := svc.List(ctx, TenantID(ctx), privet.IncidentFilter{Status: privet.IncidentStatus(in.Status), After: in.After, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	out := &incidentListOutput{}
	out.Body.Incidents = list
	return out, nil
}
