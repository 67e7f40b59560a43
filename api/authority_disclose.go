package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/disclosure"
)

type authorityDiscloseInput struct {
	Body struct {
		SubjectID  string   `json:"subject_id" maxLength:"64" doc:"The subject whose data was disclosed."`
		Recipient  string   `json:"recipient" maxLength:"200" doc:"The authority's recipient key in the policy."`
		LegalBasis string   `json:"legal_basis" maxLength:"32" doc:"subpoena, court_order, warrant, statute or regulator_request."`
		Reference  string   `json:"reference,omitempty" maxLength:"64" doc:"The order's case number."`
		Categories []string `json:"categories" maxItems:"100" doc:"The data categories disclosed."`
		Gag        bool     `json:"gag,omitempty" doc:"The law forbids telling the person; no notice until the gag is lifted."`
	}
}

type authorityOutput struct {
	Body *privet.AuthorityDisclosure
}

func errNoDisclosures() error {
	return privet.Errorf(privet.EUNAVAILABLE, "the disclosures register is not configured")
}

// authorityDisclose records a disclosure to an authority.
func (s *Server) authorityDisclose(ctx context.Context, in *authorityDiscloseInput) (*authorityOutput, error) {
	if s.cfg.Disclosures == nil {
		return nil, errNoDisclosures()
	}
	b := in.Body
	d, err := s.cfg.Disclosures.DiscloseToAuthority(ctx, actor(APIKey(ctx)), TenantID(ctx), disclosure.AuthorityInput{
		SubjectID: b.SubjectID, Recipient: b.Recipient, LegalBasis: b.LegalBasis, Reference: b.Reference, Categories: b.Categories, Gag: b.Gag,
	})
	if err != nil {
		return nil, err
	}
	return &authorityOutput{Body: d}, nil
}
