package privet

import (
	"context"
	"slices"
	"time"
)

// ComplaintStatus is where a complaint is in its life.
type ComplaintStatus string

// Complaint statuses. A complaint is open until answered; an open complaint
// may be escalated to the independent body the policy names, on request or
// once its deadline has passed, and still be answered after.
const (
	ComplaintOpen      ComplaintStatus = "open"
	ComplaintAnswered  ComplaintStatus = "answered"
	ComplaintEscalated ComplaintStatus = "escalated"
)

// ComplaintStatuses lists the statuses in a stable order.
var ComplaintStatuses = []ComplaintStatus{ComplaintOpen, ComplaintAnswered, ComplaintEscalated}

// ParseComplaintStatus validates a status name.
func ParseComplaintStatus(s string) (ComplaintStatus, error) {
	if slices.Contains(ComplaintStatuses, ComplaintStatus(s)) {
		return ComplaintStatus(s), nil
	}
	return "", FieldError("status", "unknown complaint status")
}

// ComplaintChannels are the ways a complaint arrives.
var ComplaintChannels = []string{"email", "web", "phone", "post", "in_person", "regulator"}

// Complaint is a complaint about how the service handles personal data, and
// the clock to answer it. The complaint's text is personal and stays in the
// operator's own ticket system: privet keeps only an opaque Reference to it,
// so it holds no complaint text to leak, seal or erase.
type Complaint struct {
	ID       string `json:"id"`
	TenantID string `json:"-"`
	// SubjectID is the complaining subject, when known.
	SubjectID string `json:"subject_id,omitempty"`
	Channel   string `json:"channel"`
	// Reference names the complaint in the operator's ticket system.
	Reference string `json:"reference,omitempty"`
	// Jurisdiction is where the person is, when known.
	Jurisdiction string          `json:"jurisdiction,omitempty"`
	ReceivedAt   time.Time       `json:"received_at"`
	DueAt        time.Time       `json:"due_at"`
	Status       ComplaintStatus `json:"status"`
	AnsweredAt   *time.Time      `json:"answered_at,omitempty"`
	EscalatedAt  *time.Time      `json:"escalated_at,omitempty"`
}

// Overdue reports whether the complaint is unanswered past its due date.
func (c *Complaint) Overdue(now time.Time) bool {
	return c.Status != ComplaintAnswered && !now.Before(c.DueAt)
}

// ComplaintFilter selects complaints to list. Results are ordered by due
// date, then id; After is the id of the last complaint of the previous page.
type ComplaintFilter struct {
	Status ComplaintStatus // "" for any
	// DueBefore, when set, keeps complaints due before it: with Status
	// open, the overdue ones.
	DueBefore time.Time
	After     string
	Limit     int
}

// ComplaintCounts are a tenant's complaints by state at a time.
type ComplaintCounts struct {
	Open      int `json:"open"`
	Escalated int `json:"escalated"`
	Answered  int `json:"answered"`
	// Overdue counts unanswered complaints (open or escalated) past due.
	Overdue int `json:"overdue"`
}

// ComplaintStore keeps complaints.
type ComplaintStore interface {
	// CreateComplaint inserts c. ENOTFOUND if the tenant or the subject does
	// not exist, ECONFLICT if the id does.
	CreateComplaint(ctx context.Context, c *Complaint) error
	// Complaint returns the tenant's complaint with the id. ENOTFOUND if none.
	Complaint(ctx context.Context, tenantID, id string) (*Complaint, error)
	// Complaints lists the tenant's complaints matching f, by due date.
	// ENOTFOUND if f.After names no complaint of the tenant.
	Complaints(ctx context.Context, tenantID string, f ComplaintFilter) ([]*Complaint, error)
	// UpdateComplaint stores c's Status, AnsweredAt and EscalatedAt.
	// ENOTFOUND if the complaint is not the tenant's.
	UpdateComplaint(ctx context.Context, c *Complaint) error
	// CountComplaints counts the tenant's complaints; Overdue as at now.
	CountComplaints(ctx context.Context, tenantID string, now time.Time) (ComplaintCounts, error)
}
