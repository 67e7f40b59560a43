package api

import "context"

type holdIDInput struct {
	ID string `path:"id" maxLength:"64" doc:"The hold's id."`
}

// holdGet reads one hold; another tenant's is not found.
func (s *Server) holdGet(ctx context.Context, in *holdIDInput) (*holdOutput, error) {
	h, err := s.cfg.Retention.Hold(ctx, TenantID(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &holdOutput{Body: viewHold(h)}, nil
}
