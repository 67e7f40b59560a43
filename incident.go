package privet

import (
	"context"
	"slices"
	"time"
)

// IncidentStatus is where a breach record is in its handling.
type IncidentStatus string

// Incident statuses: open until people or the regulator have been told,
// notified once they have, closed when handling is finished.
const (
	IncidentOpen     IncidentStatus = "open"
	IncidentNotified IncidentStatus = "notified"
	IncidentClosed   IncidentStatus = "closed"
)

// IncidentStatuses lists the statuses in a stable order.
var IncidentStatuses = []IncidentStatus{IncidentOpen, IncidentNotified, IncidentClosed}

// ParseIncidentStatus validates a status name.
func ParseIncidentStatus(s string) (IncidentStatus, error) {
	if slices.Contains(IncidentStatuses, IncidentStatus(s)) {
		return IncidentStatus(s), nil
	}
	return "", FieldError("status", "unknown incident status")
}

// Risk is how likely a breach is to harm the people whose data it touched,
// as the GDPR grades it: Art. 33(1) spares the regulator a breach "unlikely
// to result in a risk", Art. 34(1) asks for notice to people only when the
// risk is high.
type Risk string

// Risk levels, lowest first.
const (
	RiskNone Risk = "none"
	RiskSome Risk = "risk"
	RiskHigh Risk = "high_risk"
)

// Risks lists the levels, lowest first.
var Risks = []Risk{RiskNone, RiskSome, RiskHigh}

// ParseRisk validates a risk level.
func ParseRisk(s string) (Risk, error) {
	if slices.Contains(Risks, Risk(s)) {
		return Risk(s), nil
	}
	return "", FieldError("risk", "unknown risk level: want none, risk or high_risk")
}

// AtLeast reports whether r is as high as min.
func (r Risk) AtLeast(min Risk) bool {
	return slices.Index(Risks, r) >= slices.Index(Risks, min)
}

// Incident is a personal data breach as the controller records it (GDPR
// Art. 33(5) asks for such a record of every breach). Its texts describe the
// breach, never a person: subjects it affects are kept apart, by id, in the
// affected-subjects record.
type Incident struct {
	ID       string `json:"id"`
	TenantID string `json:"-"`
	Title    string `json:"title"`
	// Description is what happened: the nature of the breach.
	Description string `json:"description"`
	// Categories are the policy's data category keys the breach touched.
	Categories   []string       `json:"categories"`
	DiscoveredAt time.Time      `json:"discovered_at"` // when the controller became aware: the clocks run from here
	OccurredAt   *time.Time     `json:"occurred_at,omitempty"`
	Status       IncidentStatus `json:"status"`
	Risk         Risk           `json:"risk"`
	// Impact is the likely consequences for the people affected.
	Impact string `json:"impact"`
	// Measures is what was done, or is proposed, to address the breach.
	Measures string `json:"measures"`
	// Advice is what people can do to protect themselves.
	Advice string `json:"advice"`
	// PasswordReset says affected accounts must reset their password.
	PasswordReset       bool       `json:"password_reset"`
	RegulatorNotifiedAt *time.Time `json:"regulator_notified_at,omitempty"`
	PeopleNotifiedAt    *time.Time `json:"people_notified_at,omitempty"`
	PublicNoticeAt      *time.Time `json:"public_notice_at,omitempty"`
	// Jurisdictions are the jurisdiction table keys or places whose laws the
	// breach falls under (EU, UK, US-CA, CN, ...).
	Jurisdictions []string  `json:"jurisdictions"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// IncidentFilter selects incidents to list, in id order. After is the
// last id of the previous page.
type IncidentFilter struct {
	Status IncidentStatus // "" for any
	After  string
	Limit  int
}

// AffectedQuery selects the subjects a breach may have touched: the
// tenant's subjects, not erased, holding a field of any of Categories (the
// key itself or a key below it) or an identity of any of IdentityTypes (and,
// when Jurisdictions is set, living in one of them: exact places such as DE
// or US-CA). Results are ids in id order after After.
type AffectedQuery struct {
	Categories    []string
	IdentityTypes []IdentityType
	Jurisdictions []string
	After         string
	Limit         int
}

// AffectedSubject is one subject on a breach's list of people affected.
type AffectedSubject struct {
	SubjectID  string     `json:"subject_id"`
	NotifiedAt *time.Time `json:"notified_at,omitempty"`
}

// AffectedFilter pages through a breach's affected subjects; Pending keeps
// only those not yet notified.
type AffectedFilter struct {
	Pending bool
	After   string
	Limit   int
}

// AffectedCounts sums up a breach's affected-subjects record. Records counts
// the affected subjects' fields of the breach's categories: the approximate
// number of personal data records concerned (GDPR Art. 33(3)(a)).
type AffectedCounts struct {
	People   int64 `json:"people"`
	Notified int64 `json:"notified"`
	Records  int64 `json:"records"`
}

// IncidentStore keeps breach records and their affected subjects.
type IncidentStore interface {
	// CreateIncident inserts i. ENOTFOUND if the tenant does not exist.
	CreateIncident(ctx context.Context, i *Incident) error
	// Incident returns the tenant's incident. ENOTFOUND if none.
	Incident(ctx context.Context, tenantID, id string) (*Incident, error)
	// PublicIncident returns an incident of any tenant whose public notice
	// has been published. ENOTFOUND if none or not published.
	PublicIncident(ctx context.Context, id string) (*Incident, error)
	// Incidents lists the tenant's incidents by id.
	Incidents(ctx context.Context, tenantID string, f IncidentFilter) ([]*Incident, error)
	// UpdateIncident saves i's mutable attributes. ENOTFOUND if none.
	UpdateIncident(ctx context.Context, i *Incident) error
	// AffectedSubjectIDs finds subjects by an index over their fields'
	// categories, without reading any sealed value.
	AffectedSubjectIDs(ctx context.Context, tenantID string, q AffectedQuery) ([]string, error)
	// AddAffected records subjects as affected by the incident; ones already
	// recorded keep their state. It returns how many were new.
	AddAffected(ctx context.Context, tenantID, incidentID string, subjectIDs []string) (int, error)
	// Affected pages through the incident's affected subjects by id.
	Affected(ctx context.Context, tenantID, incidentID string, f AffectedFilter) ([]AffectedSubject, error)
	// MarkNotified records that the subject was notified at t, if it was not
	// already. ENOTFOUND if the subject is not on the incident's list.
	MarkNotified(ctx context.Context, tenantID, incidentID, subjectID string, t time.Time) error
	// CountAffected sums up the incident's affected-subjects record; records
	// are the affected subjects' fields and identities that q's Categories
	// and IdentityTypes select (its other fields are ignored).
	CountAffected(ctx context.Context, tenantID, incidentID string, q AffectedQuery) (AffectedCounts, error)
}
