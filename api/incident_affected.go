package api

import (
	"context"

	"github.com/privet-dev/privet"
)

type incidentFindInput struct {
	ID   string `path:"id" maxLength:"64" doc:"The incident's id."`
	Body struct {
		Jurisdictions []string `json:"jurisdictions,omitempty" maxItems:"50" doc:"Only subjects living in these places (DE, US-CA, ...); all when empty."`
	}
}

type incidentFindOutput struct {
	Body struct {
		Added int `json:"added" doc:"Subjects newly recorded as affected."`
	}
}

// incidentFind records the affected subjects, found by category.
func (s *Server) incidentFind(ctx context.Context, in *incidentFindInput) (*incidentFindOutput, error) {
	svc, err := s.incidents()
	if err != nil {
		return nil, err
	}
	n, err := svc.FindAffected(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID, in.Body.Jurisdictions)
	if err != nil {
		return nil, err
	}
	out := &incidentFindOutput{}
	out.Body.Added = n
	return out, nil
}

type incidentAffectedInput struct {
	ID      string `path:"id" maxLength:"64" doc:"The incident's id."`
	Pending bool   `query:"pending" doc:"Only subjects not yet notified."`
	After   string `query:"after" maxLength:"64" doc:"The last subject id of the previous page."`
	Limit   int    `query:"limit" minimum:"0" maximum:"1000" doc:"Page size (default 100)."`
}

type incidentAffectedOutput struct {
	Body struct {
		PasswordReset bool                     `json:"password_reset" doc:"The incident asks the application to force a password reset for each subject listed."`
		Subjects      []privet.AffectedSubject `json:"subjects"`
	}
}

// incidentAffected lists the affected subjects by id: the password-reset
// hook. An application with password_reset set forces a reset for each.
func (s *Server) incidentAffected(ctx context.Context, in *incidentAffectedInput) (*incidentAffectedOutput, error) {
	svc, err := s.incidents()
	if err != nil {
		return nil, err
	}
	v, err := svc.Get(ctx, TenantID(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	subs, err := svc.Affected(ctx, TenantID(ctx), in.ID, privet.AffectedFilter{Pending: in.Pending, After: in.After, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	out := &incidentAffectedOutput{}
	out.Body.PasswordReset, out.Body.Subjects = v.PasswordReset, subs
	return out, nil
}
