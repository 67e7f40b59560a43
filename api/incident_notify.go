package api

import "context"

type incidentNotifyOutput struct {
	Body struct {
		Affected int64 `json:"affected" doc:"People recorded as affected; each is emailed once by the notice job."`
	}
}

// incidentNotify starts the notices to the people affected.
func (s *Server) incidentNotify(ctx context.Context, in *incidentIDInput) (*incidentNotifyOutput, error) {
	svc, err := s.incidents()
	if err != nil {
		return nil, err
	}
	n, err := svc.NotifyPeople(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := &incidentNotifyOutput{}
	out.Body.Affected = n
	return out, nil
}
