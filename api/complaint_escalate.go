package api

import "context"

// complaintEscalate refers a complaint to the body the policy names.
func (s *Server) complaintEscalate(ctx context.Context, in *complaintIDInput) (*complaintOutput, error) {
	if s.cfg.Complaints == nil {
		return nil, errNoComplaints()
	}
	v, err := s.cfg.Complaints.Escalate(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &complaintOutput{Body: v}, nil
}
