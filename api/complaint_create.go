package api

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/complaint"
)

type complaintCreateInput struct {
	Body struct {
		SubjectID    string    `json:"subject_id,omitempty" maxLength:"64" doc:"The complaining subject, when known."`
		Channel      string    `json:"channel" maxLength:"32" doc:"How it arrived: email, web, phone, post, in_person, regulator."`
		Reference    string    `json:"reference,omitempty" maxLength:"64" doc:"The ticket in your own system; never the complaint's words."`
		Jurisdiction string    `json:"jurisdiction,omitempty" maxLength:"16" doc:"Where the person is; a known subject's own applies."`
		ReceivedAt   time.Time `json:"received_at,omitempty" doc:"When it arrived (RFC 3339); default now."`
	}
}

type complaintOutput struct {
	Body *complaint.Complaint
}

// complaintCreate registers a complaint and starts its clock.
func (s *Server) complaintCreate(ctx context.Context, in *complaintCreateInput) (*complaintOutput, error) {
	if s.cfg.Complaints == nil {
		return nil, errNoComplaints()
	}
	b := in.Body
	v, err := s.cfg.Complaints.Create(ctx, actor(APIKey(ctx)), TenantID(ctx), complaint.CreateInput{
		SubjectID: b.SubjectID, Channel: b.Channel, Reference: b.Reference, Jurisdiction: b.Jurisdiction, ReceivedAt: b.ReceivedAt,
	})
	if err != nil {
		return nil, err
	}
	return &complaintOutput{Body: v}, nil
}

func errNoComplaints() error {
	return privet.Errorf(privet.EUNAVAILABLE, "the complaints register is not configured")
}
