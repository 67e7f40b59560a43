package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policies"
	"github.com/privet-dev/privet/policy"
)

type policyPublishInput struct {
	Body struct {
		Name                 string `json:"name,omitempty" maxLength:"200" doc:"The file name problems are reported against (name:line:col); policy.yaml by default."`
		Source               string `json:"source" minLength:"1" doc:"The policy's YAML, stored exactly as given."`
		AllowRightsReduction bool   `json:"allow_rights_reduction,omitempty" doc:"Take a right away: required when the version removes one; every consent is then asked again when it takes effect."`
	}
}

type policyPublishOutput struct {
	Body *policies.Published
}

// policyPublish validates and stores a new version of the tenant's policy.
// An invalid policy is answered with every problem and its position.
func (s *Server) policyPublish(ctx context.Context, in *policyPublishInput) (*policyPublishOutput, error) {
	if s.cfg.Policies == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "policy versions are not served here")
	}
	p, err := s.cfg.Policies.Publish(ctx, actor(APIKey(ctx)), TenantID(ctx), policies.PublishInput{
		Name: in.Body.Name, Source: []byte(in.Body.Source), AllowRightsReduction: in.Body.AllowRightsReduction,
	})
	var problems *policy.Problems
	if errors.As(err, &problems) {
		return nil, policyProblem(problems)
	}
	if err != nil {
		return nil, err
	}
	return &policyPublishOutput{Body: p}, nil
}

// policyProblem lists each problem of a policy as a field problem whose
// message starts with its position, so an editor can jump to it.
func policyProblem(ps *policy.Problems) *Problem {
	p := problemOf(ps)
	p.Field = "source"
	for _, pr := range ps.List {
		field := pr.Path
		if field == "" {
			field = "source"
		}
		p.Errors = append(p.Errors, FieldProblem{Field: field, Message: fmt.Sprintf("%s:%d:%d: %s", ps.Name, pr.Line, pr.Column, pr.Message)})
	}
	return p
}
