package api

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/transfer"
)

type disclosureListInput struct {
	ID    string    `path:"id" maxLength:"64"`
	Since time.Time `query:"since" doc:"Only disclosures at or after this time (RFC 3339)."`
	Until time.Time `query:"until" doc:"Only disclosures before this time (RFC 3339)."`
}

type disclosureListOutput struct {
	Body struct {
		Disclosures []transfer.Disclosure `json:"disclosures"`
	}
}

// disclosureList lists a subject's disclosures to recipients.
func (s *Server) disclosureList(ctx context.Context, in *disclosureListInput) (*disclosureListOutput, error) {
	if s.cfg.Transfers == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "transfer checks are not configured")
	}
	ds, err := s.cfg.Transfers.Disclosures(ctx, TenantID(ctx), in.ID, in.Since, in.Until)
	if err != nil {
		return nil, err
	}
	out := &disclosureListOutput{}
	out.Body.Disclosures = ds
	if ds == nil {
		out.Body.Disclosures = []transfer.Disclosure{}
	}
	return out, nil
}
