package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/transfer"
)

type disclosureReportInput struct {
	ID   string `path:"id" maxLength:"64"`
	Kind string `query:"kind" enum:"last_12_months,shine_the_light" default:"last_12_months" doc:"last_12_months: every recipient (right to know); shine_the_light: direct-marketing recipients in the prior calendar year."`
}

type disclosureReportOutput struct {
	Body *transfer.RecipientReport
}

// disclosureReport folds a subject's disclosures into one line per recipient.
func (s *Server) disclosureReport(ctx context.Context, in *disclosureReportInput) (*disclosureReportOutput, error) {
	if s.cfg.Transfers == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "transfer checks are not configured")
	}
	r, err := s.cfg.Transfers.Report(ctx, TenantID(ctx), in.ID, in.Kind)
	if err != nil {
		return nil, err
	}
	return &disclosureReportOutput{Body: r}, nil
}
