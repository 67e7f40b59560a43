package api

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/retention"
)

// holdView is a legal hold as the API shows it.
type holdView struct {
	ID         string     `json:"id"`
	SubjectID  string     `json:"subject_id,omitempty"`
	Category   string     `json:"category,omitempty"`
	Reason     string     `json:"reason"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	Until      *time.Time `json:"until,omitempty"`
	ReleasedAt *time.Time `json:"released_at,omitempty"`
}

func viewHold(h *privet.Hold) holdView {
	return holdView{ID: h.ID, SubjectID: h.SubjectID, Category: h.Category, Reason: h.Reason, CreatedBy: h.CreatedBy,
		CreatedAt: h.CreatedAt, Until: h.Until, ReleasedAt: h.ReleasedAt}
}

type holdCreateInput struct {
	Body struct {
		SubjectID string     `json:"subject_id,omitempty" maxLength:"64" doc:"Hold one subject's data; or give a category."`
		Category  string     `json:"category,omitempty" maxLength:"200" doc:"Hold one data category of every subject; or give a subject."`
		Reason    string     `json:"reason" maxLength:"500" doc:"Why the data is kept, e.g. a case reference. No personal data."`
		Until     *time.Time `json:"until,omitempty" doc:"When the hold ends by itself; omitted, it holds until released."`
	}
}

type holdOutput struct {
	Body holdView
}

// holdCreate places a legal hold: retention and erasure leave what it covers
// alone until it is released or ends.
func (s *Server) holdCreate(ctx context.Context, in *holdCreateInput) (*holdOutput, error) {
	h, err := s.cfg.Retention.PlaceHold(ctx, actor(APIKey(ctx)), TenantID(ctx), retention.HoldInput{
		SubjectID: in.Body.SubjectID, Category: in.Body.Category, Reason: in.Body.Reason, Until: in.Body.Until,
	})
	if err != nil {
		return nil, err
	}
	return &holdOutput{Body: viewHold(h)}, nil
}
