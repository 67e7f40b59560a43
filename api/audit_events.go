package api

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
)

type auditEventsInput struct {
	SubjectID string    `query:"subject_id" maxLength:"64" doc:"Only events about this subject: who accessed this person's data, when and why."`
	ActorID   string    `query:"actor_id" maxLength:"64" doc:"Only events by this actor (e.g. an API key id)."`
	Action    string    `query:"action" maxLength:"64" doc:"Only events of this action, e.g. subject.read."`
	Resource  string    `query:"resource" maxLength:"128" doc:"Only events about this application resource (a document id)."`
	Since     time.Time `query:"since" doc:"Only events at or after this time (RFC 3339)."`
	Until     time.Time `query:"until" doc:"Only events before this time (RFC 3339)."`
	After     int64     `query:"after" minimum:"0" doc:"The last seq of the previous page."`
	Limit     int       `query:"limit" minimum:"0" maximum:"1000" doc:"Page size (default 100)."`
}

type auditEventsOutput struct {
	Body struct {
		Events []*privet.AuditEvent `json:"events"`
	}
}

// auditEvents queries the tenant's audit log.
func (s *Server) auditEvents(ctx context.Context, in *auditEventsInput) (*auditEventsOutput, error) {
	evs, err := s.cfg.Audit.Events(ctx, TenantID(ctx), privet.AuditQuery{SubjectID: in.SubjectID, ActorID: in.ActorID,
		Action: in.Action, Resource: in.Resource, Since: in.Since, Until: in.Until, AfterSeq: in.After, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	out := &auditEventsOutput{}
	out.Body.Events = evs
	if out.Body.Events == nil {
		out.Body.Events = []*privet.AuditEvent{}
	}
	return out, nil
}
