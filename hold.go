package privet

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Hold is a legal hold: while it is active, retention and erasure leave what
// it covers alone, and reports say why. A hold covers either one subject
// (all of its data) or one data category (that category, and the categories
// under it, of every subject of the tenant).
type Hold struct {
	ID        string `json:"id"`
	TenantID  string `json:"tenant_id"`
	SubjectID string `json:"subject_id,omitempty"` // one subject, or ""
	Category  string `json:"category,omitempty"`   // a data category key, or ""
	// Reason says why the data is kept (a case reference, an authority's
	// order). It is shown to operators and in sweep reports, never written to
	// the audit log, and must not hold personal data.
	Reason    string    `json:"reason"`
	CreatedBy string    `json:"created_by"` // the actor id that placed it
	CreatedAt time.Time `json:"created_at"`
	// Until ends the hold by itself; nil holds until released.
	Until      *time.Time `json:"until,omitempty"`
	ReleasedAt *time.Time `json:"released_at,omitempty"`
}

// MaxHoldReasonBytes bounds a hold's reason.
const MaxHoldReasonBytes = 500

// Validate checks a new hold: a reason, and exactly one of subject or
// category. Errors name the field.
func (h *Hold) Validate() error {
	reason := strings.TrimSpace(h.Reason)
	switch {
	case reason == "":
		return FieldError("reason", "a hold needs a reason")
	case len(h.Reason) > MaxHoldReasonBytes || !utf8.ValidString(h.Reason):
		return FieldError("reason", "reason must be valid text of at most 500 bytes")
	case h.SubjectID == "" && h.Category == "":
		return FieldError("subject_id", "a hold covers a subject or a category")
	case h.SubjectID != "" && h.Category != "":
		return FieldError("category", "a hold covers a subject or a category, not both")
	case h.Until != nil && !h.Until.After(h.CreatedAt):
		return FieldError("until", "until must be in the future")
	}
	return nil
}

// Active reports whether the hold is in force at t.
func (h *Hold) Active(t time.Time) bool {
	return h.ReleasedAt == nil && (h.Until == nil || t.Before(*h.Until))
}

// Covers reports whether the hold keeps the subject's field of category.
// A subject hold covers every category ("" included: the subject itself).
func (h *Hold) Covers(subjectID, category string) bool {
	if h.SubjectID != "" {
		return h.SubjectID == subjectID
	}
	return category != "" && (category == h.Category || strings.HasPrefix(category, h.Category+"."))
}

// HoldFilter selects holds. Results are ordered by id; After pages.
type HoldFilter struct {
	SubjectID string
	// ActiveAt, when set, keeps only holds in force at that time.
	ActiveAt time.Time
	After    string
	Limit    int
}

// HoldStore keeps legal holds.
type HoldStore interface {
	// CreateHold inserts h. ECONFLICT if the id exists.
	CreateHold(ctx context.Context, h *Hold) error
	// Hold returns the tenant's hold. ENOTFOUND if none.
	Hold(ctx context.Context, tenantID, id string) (*Hold, error)
	// Holds lists the tenant's holds matching f.
	Holds(ctx context.Context, tenantID string, f HoldFilter) ([]*Hold, error)
	// ReleaseHold marks the hold released at t. ENOTFOUND if none; releasing
	// a released hold keeps the first time.
	ReleaseHold(ctx context.Context, tenantID, id string, t time.Time) error
}
