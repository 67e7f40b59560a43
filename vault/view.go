package vault

import (
	"time"

	"github.com/privet-dev/privet"
)

// SubjectView is a subject as a caller sees it: decrypted, and only what the
// purpose of the read allows. Fields the purpose may not read are named in
// Withheld, never shown.
type SubjectView struct {
	ID             string               `json:"id"`
	Jurisdiction   string               `json:"jurisdiction"`
	Status         privet.SubjectStatus `json:"status"`
	AgeBand        string               `json:"age_band,omitempty"`
	BirthDate      string               `json:"birth_date,omitempty"`
	CreatedAt      time.Time            `json:"created_at"`
	UpdatedAt      time.Time            `json:"updated_at"`
	LastActivityAt time.Time            `json:"last_activity_at"`
	ClosedAt       *time.Time           `json:"closed_at,omitempty"`
	ErasedAt       *time.Time           `json:"erased_at,omitempty"`
	Identities     []IdentityView       `json:"identities"`
	Fields         []FieldView          `json:"fields"`
	// Withheld names the fields and identity types the purpose may not read.
	Withheld []string `json:"withheld,omitempty"`
	// Purpose is the purpose the data was read for.
	Purpose string `json:"purpose,omitempty"`
}

// IdentityView is one decrypted identity.
type IdentityView struct {
	Type  privet.IdentityType `json:"type"`
	Value string              `json:"value"`
}

// FieldView is one decrypted field.
type FieldView struct {
	Name      string    `json:"name"`
	Category  string    `json:"category"`
	Value     string    `json:"value"`
	Sensitive bool      `json:"sensitive,omitempty"`
	Masked    bool      `json:"masked,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SubjectSummary is a subject without any personal data, for lists.
type SubjectSummary struct {
	ID           string               `json:"id"`
	Jurisdiction string               `json:"jurisdiction"`
	Status       privet.SubjectStatus `json:"status"`
	CreatedAt    time.Time            `json:"created_at"`
	UpdatedAt    time.Time            `json:"updated_at"`
	ClosedAt     *time.Time           `json:"closed_at,omitempty"`
	ErasedAt     *time.Time           `json:"erased_at,omitempty"`
}

func summarize(s *privet.Subject) SubjectSummary {
	return SubjectSummary{ID: s.ID, Jurisdiction: s.Jurisdiction, Status: s.Status, CreatedAt: s.CreatedAt,
		UpdatedAt: s.UpdatedAt, ClosedAt: s.ClosedAt, ErasedAt: s.ErasedAt}
}

// identityCategory is the data category each identity type belongs to, so
// identities obey the same purpose rules as fields.
func identityCategory(t privet.IdentityType) string {
	switch t {
	case privet.IdentityEmail:
		return "user.contact.email"
	case privet.IdentityPhone:
		return "user.contact.phone_number"
	case privet.IdentityCookieID:
		return "user.device.cookie_id"
	default:
		return "user.unique_id"
	}
}
