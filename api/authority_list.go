package api

import (
	"context"

	"github.com/privet-dev/privet"
)

type authorityListInput struct {
	ID string `path:"id" maxLength:"64"`
}

type authorityListOutput struct {
	Body struct {
		Disclosures []*privet.AuthorityDisclosure `json:"disclosures"`
	}
}

// authorityList lists a subject's disclosures to authorities.
func (s *Server) authorityList(ctx context.Context, in *authorityListInput) (*authorityListOutput, error) {
	if s.cfg.Disclosures == nil {
		return nil, errNoDisclosures()
	}
	ds, err := s.cfg.Disclosures.AuthorityDisclosures(ctx, TenantID(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := &authorityListOutput{}
	out.Body.Disclosures = ds
	if ds == nil {
		out.Body.Disclosures = []*privet.AuthorityDisclosure{}
	}
	return out, nil
}
