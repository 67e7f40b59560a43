package api

import "context"

type processorIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

// processorConfirm records a processor's deletion confirmation.
func (s *Server) processorConfirm(ctx context.Context, in *processorIDInput) (*struct{}, error) {
	if s.cfg.Disclosures == nil {
		return nil, errNoDisclosures()
	}
	if err := s.cfg.Disclosures.ConfirmDeletion(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
