package api

import (
	"context"

	"github.com/privet-dev/privet/consent"
)

type decideInput struct {
	Body struct {
		SubjectID    string `json:"subject_id,omitempty" maxLength:"64" doc:"The subject; or name a cookie id."`
		CookieID     string `json:"cookie_id,omitempty" maxLength:"128" doc:"A visitor's cookie id."`
		Purpose      string `json:"purpose" maxLength:"200" doc:"The purpose to decide."`
		Jurisdiction string `json:"jurisdiction,omitempty" maxLength:"16" doc:"Where a visitor is; a subject's own jurisdiction applies to it."`
	}
}

type decisionOutput struct {
	Body consent.Decision
}

// decide answers whether a purpose may be used for a person now.
func (s *Server) decide(ctx context.Context, in *decideInput) (*decisionOutput, error) {
	b := in.Body
	d, err := s.cfg.Consent.Decide(ctx, TenantID(ctx), consent.DecideInput{
		Party: consent.Party{SubjectID: b.SubjectID, CookieID: b.CookieID}, Purpose: b.Purpose, Jurisdiction: b.Jurisdiction,
	})
	if err != nil {
		return nil, err
	}
	return &decisionOutput{Body: d}, nil
}
