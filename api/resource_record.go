package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/resources"
)

type resourceRecordInput struct {
	ID   string `path:"id" maxLength:"128" doc:"The application's id of the resource, e.g. a document id: letters, digits, '-', '_', '.', ':'."`
	Body struct {
		SubjectID string `json:"subject_id" maxLength:"64" doc:"The person who acted."`
		Action    string `json:"action" maxLength:"32" doc:"view, edit, create, share, comment, download or delete."`
	}
}

type resourceRecordOutput struct {
	Body *resources.Recorded
}

// resourceRecord records that a person acted on a resource, in the audit log.
func (s *Server) resourceRecord(ctx context.Context, in *resourceRecordInput) (*resourceRecordOutput, error) {
	if s.cfg.Resources == nil {
		return nil, errNoResources()
	}
	r, err := s.cfg.Resources.Record(ctx, actor(APIKey(ctx)), TenantID(ctx), in.ID,
		resources.RecordInput{SubjectID: in.Body.SubjectID, Action: in.Body.Action})
	if err != nil {
		return nil, err
	}
	return &resourceRecordOutput{Body: r}, nil
}

func errNoResources() error {
	return privet.Errorf(privet.EUNAVAILABLE, "resource histories are not configured")
}
