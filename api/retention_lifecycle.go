package api

import (
	"context"

	"github.com/privet-dev/privet/retention"
)

type relationshipEndedInput struct {
	Body struct {
		SubjectIDs []string `json:"subject_ids" minItems:"1" maxItems:"1000" doc:"The subjects whose relationship ended, e.g. every end user of a client whose contract ended."`
	}
}

// relationshipEnded starts the rules triggered by the end of a relationship
// for each subject; one unknown subject and nothing is recorded.
func (s *Server) relationshipEnded(ctx context.Context, in *relationshipEndedInput) (*struct{}, error) {
	return &struct{}{}, s.cfg.Retention.RelationshipEnded(ctx, actor(APIKey(ctx)), TenantID(ctx), in.Body.SubjectIDs)
}

type ageLearnedInput struct {
	ID   string `path:"id" maxLength:"64" doc:"The subject's id."`
	Body struct {
		Age int `json:"age" minimum:"0" maximum:"150" doc:"The subject's age in years."`
	}
}

type ageLearnedOutput struct {
	Body *retention.AgeOutcome
}

// ageLearned records a subject's age; below the policy's minimum age without
// guardian consent, the policy's children action happens at once.
func (s *Server) ageLearned(ctx context.Context, in *ageLearnedInput) (*ageLearnedOutput, error) {
	out, err := s.cfg.Retention.AgeLearned(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID, in.Body.Age)
	if err != nil {
		return nil, err
	}
	return &ageLearnedOutput{Body: out}, nil
}
