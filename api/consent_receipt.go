package api

import (
	"context"

	"github.com/privet-dev/privet/consent"
)

type consentReceiptInput struct {
	ID string `path:"id" maxLength:"64" doc:"The consent event's id."`
}

type consentReceiptOutput struct {
	Body *consent.SignedReceipt
}

// consentReceipt returns the signed receipt of a given or withdrawn consent.
func (s *Server) consentReceipt(ctx context.Context, in *consentReceiptInput) (*consentReceiptOutput, error) {
	r, err := s.cfg.Consent.Receipt(ctx, TenantID(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &consentReceiptOutput{Body: r}, nil
}
