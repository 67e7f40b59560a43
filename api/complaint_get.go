package api

import "context"

type complaintIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

// complaintGet reads one complaint and its clock.
func (s *Server) complaintGet(ctx context.Context, in *complaintIDInput) (*complaintOutput, error) {
	if s.cfg.Complaints == nil {
		return nil, errNoComplaints()
	}
	v, err := s.cfg.Complaints.Get(ctx, TenantID(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &complaintOutput{Body: v}, nil
}
