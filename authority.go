package privet

import (
	"context"
	"time"
)

// NoticeStatus is where the notice to the person about a disclosure is.
type NoticeStatus string

// Notice statuses. A disclosure under a gag (the law forbids telling the
// person) keeps its notice withheld until the gag is lifted.
const (
	NoticePending  NoticeStatus = "pending"
	NoticeSent     NoticeStatus = "sent"
	NoticeWithheld NoticeStatus = "withheld"
	// NoticeNoAddress: the person has no email address or phone number
	// the notice may use, so nobody could be told.
	NoticeNoAddress NoticeStatus = "no_address"
)

// AuthorityDisclosure records personal data disclosed to a court, a law
// enforcement or another public authority, on a legal basis, and whether the
// person has been told. It names the subject by id and the data by category.
type AuthorityDisclosure struct {
	ID        string `json:"id"`
	TenantID  string `json:"-"`
	SubjectID string `json:"subject_id"`
	// Recipient is the policy's key of the authority recipient.
	Recipient string `json:"recipient"`
	// LegalBasis is what compelled the disclosure: subpoena, court_order,
	// warrant, statute, regulator_request.
	LegalBasis string `json:"legal_basis"`
	// Reference names the order or request, e.g. a case number.
	Reference   string    `json:"reference,omitempty"`
	Categories  []string  `json:"categories"`
	DisclosedAt time.Time `json:"disclosed_at"`
	// Gag records that the law forbids telling the person.
	Gag          bool         `json:"gag"`
	Notice       NoticeStatus `json:"notice"`
	NoticeSentAt *time.Time   `json:"notice_sent_at,omitempty"`
}

// ProcessorEnd records the end of a processor's entrustment and the date by
// which it must confirm it deleted the data it held (PIPL Art. 21, GDPR Art.
// 28(3)(g)). It is outstanding until the deletion is confirmed.
type ProcessorEnd struct {
	ID       string `json:"id"`
	TenantID string `json:"-"`
	// Recipient is the policy's key of the processor.
	Recipient   string     `json:"recipient"`
	Reference   string     `json:"reference,omitempty"`
	EndedAt     time.Time  `json:"ended_at"`
	DeletionDue time.Time  `json:"deletion_due"`
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
}

// RegisterStore keeps disclosures to authorities and ended entrustments.
type RegisterStore interface {
	// CreateAuthorityDisclosure inserts d. ENOTFOUND if the tenant or the
	// subject does not exist.
	CreateAuthorityDisclosure(ctx context.Context, d *AuthorityDisclosure) error
	// AuthorityDisclosure returns the tenant's disclosure. ENOTFOUND if none.
	AuthorityDisclosure(ctx context.Context, tenantID, id string) (*AuthorityDisclosure, error)
	// AuthorityDisclosures lists a subject's disclosures, oldest first.
	AuthorityDisclosures(ctx context.Context, tenantID, subjectID string) ([]*AuthorityDisclosure, error)
	// UpdateAuthorityNotice stores d's Gag, Notice and NoticeSentAt.
	// ENOTFOUND if the disclosure is not the tenant's.
	UpdateAuthorityNotice(ctx context.Context, d *AuthorityDisclosure) error

	// CreateProcessorEnd inserts e. ENOTFOUND if the tenant does not exist.
	CreateProcessorEnd(ctx context.Context, e *ProcessorEnd) error
	// ProcessorEnds lists the tenant's ended entrustments by deletion due
	// date; outstanding keeps those whose deletion is not confirmed.
	ProcessorEnds(ctx context.Context, tenantID string, outstanding bool) ([]*ProcessorEnd, error)
	// ConfirmProcessorDeletion records the deletion confirmed at t.
	// ENOTFOUND if the record is not the tenant's, ECONFLICT if confirmed.
	ConfirmProcessorDeletion(ctx context.Context, tenantID, id string, t time.Time) error
}
