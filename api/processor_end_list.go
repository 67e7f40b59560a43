package api

import (
	"context"

	"github.com/privet-dev/privet/disclosure"
)

type processorEndListInput struct {
	Outstanding bool `query:"outstanding" doc:"Only entrustments whose deletion is not confirmed."`
}

type processorEndListOutput struct {
	Body struct {
		ProcessorEnds []*disclosure.ProcessorEnd `json:"processor_ends"`
	}
}

// processorEndList lists ended entrustments by deletion due date.
func (s *Server) processorEndList(ctx context.Context, in *processorEndListInput) (*processorEndListOutput, error) {
	if s.cfg.Disclosures == nil {
		return nil, errNoDisclosures()
	}
	es, err := s.cfg.Disclosures.ProcessorEnds(ctx, TenantID(ctx), in.Outstanding)
	if err != nil {
		return nil, err
	}
	out := &processorEndListOutput{}
	out.Body.ProcessorEnds = es
	return out, nil
}
