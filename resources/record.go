package resources

import (
	"context"
	"errors"
	"time"

	"github.com/privet-dev/privet"
)

// RecordInput is what an application reports: a person acted on a resource.
type RecordInput struct {
	// SubjectID is the person who acted; they must be the tenant's.
	SubjectID string `json:"subject_id"`
	// Action is one of privet.ResourceActions.
	Action string `json:"action"`
}

// Recorded is the stored event of a report.
type Recorded struct {
	Resource  string    `json:"resource"`
	Seq       int64     `json:"seq"`
	Time      time.Time `json:"time"`
	Action    string    `json:"action"`
	SubjectID string    `json:"subject_id"`
}

// Record appends "resource.<action>" to the tenant's audit log, naming the
// resource and the person. Bad input is EINVALID naming the field; a person
// not of the tenant (or erased) is ENOTFOUND, and nothing is written.
func (s *Service) Record(ctx context.Context, actor privet.Actor, tenantID, resourceID string, in RecordInput) (*Recorded, error) {
	if err := privet.CheckResourceID("id", resourceID); err != nil {
		return nil, err
	}
	if err := privet.CheckResourceAction("action", in.Action); err != nil {
		return nil, err
	}
	if in.SubjectID == "" {
		return nil, privet.FieldError("subject_id", "is required: the person who acted")
	}
	ev := actor.Event(tenantID, privet.ResourceAuditPrefix+in.Action, s.Clock.Now())
	ev.SubjectID, ev.Resource = in.SubjectID, resourceID
	err := s.Store.Update(ctx, func(tx privet.Tx) error {
		sub, err := tx.SubjectAttrs(ctx, tenantID, in.SubjectID)
		if errors.Is(err, privet.ErrNotFound) || (err == nil && sub.Status == privet.StatusErased) {
			return &privet.Error{Code: privet.ENOTFOUND, Field: "subject_id", Message: "subject not found"}
		}
		if err != nil {
			return err
		}
		return tx.AppendAudit(ctx, ev)
	})
	if err != nil {
		return nil, err
	}
	return &Recorded{Resource: resourceID, Seq: ev.Seq, Time: ev.Time, Action: in.Action, SubjectID: in.SubjectID}, nil
}
