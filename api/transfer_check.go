package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/transfer"
)

type transferCheckInput struct {
	Body struct {
		SubjectID    string   `json:"subject_id" maxLength:"64" doc:"The subject whose data would be disclosed."`
		Recipient    string   `json:"recipient" maxLength:"200" doc:"The recipient's key in the policy."`
		Purpose      string   `json:"purpose" maxLength:"200" doc:"The purpose of the disclosure."`
		Categories   []string `json:"categories" maxItems:"100" doc:"The data categories disclosed."`
		DeIdentified bool     `json:"de_identified,omitempty" doc:"The data sent is de-identified."`
	}
}

type transferCheckOutput struct {
	Body transfer.CheckResult
}

// transferCheck decides whether a disclosure may happen now; an allowed
// answer is the disclosure's record in the audit log.
func (s *Server) transferCheck(ctx context.Context, in *transferCheckInput) (*transferCheckOutput, error) {
	if s.cfg.Transfers == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "transfer checks are not configured")
	}
	b := in.Body
	d, err := s.cfg.Transfers.Check(ctx, actor(APIKey(ctx)), TenantID(ctx), transfer.CheckInput{
		SubjectID: b.SubjectID, Recipient: b.Recipient, Purpose: b.Purpose, Categories: b.Categories, DeIdentified: b.DeIdentified,
	})
	if err != nil {
		return nil, err
	}
	return &transferCheckOutput{Body: d}, nil
}
