package api

import (
	"context"
	"time"

	"github.com/privet-dev/privet/disclosure"
)

type processorEndInput struct {
	Body struct {
		Recipient      string    `json:"recipient" maxLength:"200" doc:"The processor's recipient key in the policy."`
		Reference      string    `json:"reference,omitempty" maxLength:"64" doc:"The contract's reference."`
		EndedAt        time.Time `json:"ended_at,omitempty" doc:"When the entrustment ended (RFC 3339); default now."`
		DeletionWithin string    `json:"deletion_within,omitempty" maxLength:"16" doc:"How long the processor has to confirm deletion, e.g. 30d (the default) or 10bd."`
	}
}

type processorEndOutput struct {
	Body *disclosure.ProcessorEnd
}

// processorEnd records the end of a processor's entrustment.
func (s *Server) processorEnd(ctx context.Context, in *processorEndInput) (*processorEndOutput, error) {
	if s.cfg.Disclosures == nil {
		return nil, errNoDisclosures()
	}
	b := in.Body
	e, err := s.cfg.Disclosures.EndEntrustment(ctx, actor(APIKey(ctx)), TenantID(ctx), disclosure.EndInput{
		Recipient: b.Recipient, Reference: b.Reference, EndedAt: b.EndedAt, DeletionWithin: b.DeletionWithin,
	})
	if err != nil {
		return nil, err
	}
	return &processorEndOutput{Body: e}, nil
}
