package api

import "context"

type authorityIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

// authorityLiftGag lifts a gag and queues the notice.
func (s *Server) authorityLiftGag(ctx context.Context, in *authorityIDInput) (*authorityOutput, error) {
	if s.cfg.Disclosures == nil {
		return nil, errNoDisclosures()
	}
	d, err := s.cfg.Disclosures.LiftGag(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &authorityOutput{Body: d}, nil
}
