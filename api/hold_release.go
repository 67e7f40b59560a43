package api

import "context"

// holdRelease releases a hold: what it kept is swept once due.
func (s *Server) holdRelease(ctx context.Context, in *holdIDInput) (*holdOutput, error) {
	h, err := s.cfg.Retention.ReleaseHold(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &holdOutput{Body: viewHold(h)}, nil
}
