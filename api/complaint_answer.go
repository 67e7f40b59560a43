package api

import "context"

// complaintAnswer records that a complaint was answered now.
func (s *Server) complaintAnswer(ctx context.Context, in *complaintIDInput) (*complaintOutput, error) {
	if s.cfg.Complaints == nil {
		return nil, errNoComplaints()
	}
	v, err := s.cfg.Complaints.Answer(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &complaintOutput{Body: v}, nil
}
