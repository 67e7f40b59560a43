package api

import (
	"context"

	"github.com/privet-dev/privet/incident"
)

type incidentReportOutput struct {
	Body struct {
		Report   *incident.BreachReport `json:"report"`
		Markdown string                 `json:"markdown" doc:"The same report as Markdown, for the regulator's form or email."`
	}
}

// incidentReport builds the report to the regulator.
func (s *Server) incidentReport(ctx context.Context, in *incidentIDInput) (*incidentReportOutput, error) {
	svc, err := s.incidents()
	if err != nil {
		return nil, err
	}
	r, err := svc.RegulatorReport(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := &incidentReportOutput{}
	out.Body.Report, out.Body.Markdown = r, r.Markdown()
	return out, nil
}
