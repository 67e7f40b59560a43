package privet

import (
	"context"
	"slices"
	"time"
)

// RequestStatus is where a data-subject request is in its life.
type RequestStatus string

// Request statuses. Every status but the closed ones (completed, denied,
// expired) is open: a subject has at most one open request of each type.
const (
	RequestPendingVerification RequestStatus = "pending_verification" // a public request waiting for its code
	RequestOpen                RequestStatus = "open"                 // verified, waiting to be executed
	RequestAwaitingApproval    RequestStatus = "awaiting_approval"    // the policy wants a person to approve it
	RequestAwaitingInfo        RequestStatus = "awaiting_info"        // the subject was asked for information; the clock may be paused
	RequestAwaitingFee         RequestStatus = "awaiting_fee"         // a fee the subject must accept first
	RequestAwaitingConfirm     RequestStatus = "awaiting_confirmation"
	RequestInProgress          RequestStatus = "in_progress" // its execution job is enqueued or running
	RequestRouted              RequestStatus = "routed"      // sent to the client a processor tenant works for
	RequestCompleted           RequestStatus = "completed"
	RequestDenied              RequestStatus = "denied"
	RequestExpired             RequestStatus = "expired" // never verified
)

// RequestStatuses lists every status, open ones first.
var RequestStatuses = []RequestStatus{
	RequestPendingVerification, RequestOpen, RequestAwaitingApproval, RequestAwaitingInfo, RequestAwaitingFee,
	RequestAwaitingConfirm, RequestInProgress, RequestRouted, RequestCompleted, RequestDenied, RequestExpired,
}

// ClosedRequestStatuses are the statuses a request never leaves. The stores'
// partial unique index on open requests names the same three.
var ClosedRequestStatuses = []RequestStatus{RequestCompleted, RequestDenied, RequestExpired}

// Closed reports whether the status is final.
func (s RequestStatus) Closed() bool { return slices.Contains(ClosedRequestStatuses, s) }

// ParseRequestStatus validates a status name.
func ParseRequestStatus(s string) (RequestStatus, error) {
	if slices.Contains(RequestStatuses, RequestStatus(s)) {
		return RequestStatus(s), nil
	}
	return "", FieldError("status", "unknown request status")
}

// Request channels: who filed it.
const (
	ChannelAPI    = "api"    // the company's app, for a signed-in (verified) user
	ChannelPublic = "public" // a person, with an email or phone to verify
)

// Request outcomes, set when a request closes.
const (
	OutcomeComplied       = "complied"         // in whole
	OutcomeCompliedInPart = "complied_in_part" // some data kept (a hold, a legal obligation)
	OutcomeNoData         = "no_data"          // no data about the person was found
	OutcomeDenied         = "denied"
	OutcomeExpired        = "expired"
	OutcomeRouted         = "routed"    // handled by the client a processor works for
	OutcomeDuplicate      = "duplicate" // the subject had an open request of the type; see Details
)

// RequestVerification is the state of a public request's one-time code. The
// code itself is never stored: only its salted hash.
type RequestVerification struct {
	CodeHash  []byte     `json:"-"`
	ExpiresAt *time.Time `json:"-"`
	Attempts  int        `json:"attempts"`
	Locked    bool       `json:"locked"`
	// Level is how the requester was verified: "app" (the app vouches for its signed-in
	// user), "code" (a one-time code) or "code+points" (a code plus matched
	// data points, e.g. California's three for specific pieces).
	Level      string     `json:"level,omitempty"`
	Points     int        `json:"points,omitempty"`
	VerifiedAt *time.Time `json:"verified_at,omitempty"`
}

// RequestFee is a fee the policy charges for a request (e.g. a copy after
// the free ones, or a request judged excessive). The subject is told the
// reason and the estimate first, and accepts it before the request runs.
type RequestFee struct {
	// Amount is the cost estimate, a decimal and an ISO 4217 currency
	// ("25.00 USD"), from the policy's fees.
	Amount string `json:"amount"`
	// Reason is why a fee applies: "repetitive" or "excessive".
	Reason     string     `json:"reason,omitempty"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
}

// Request is a data-subject request, as stored. It holds no personal data in
// the clear: a public requester's email or phone is sealed under the
// request's own data key (so deleting that key crypto-shreds it), and the
// secret status link is kept only as its SHA-256.
type Request struct {
	ID        string `json:"id"`
	TenantID  string `json:"-"`
	SubjectID string `json:"subject_id,omitempty"` // "" until the requester is matched to a subject
	// Type is a jurisdiction.Right name: access, erasure, opt_out_sale, ...
	Type         string        `json:"type"`
	Jurisdiction string        `json:"jurisdiction"`
	Status       RequestStatus `json:"status"`
	Channel      string        `json:"channel"`
	ReceivedAt   time.Time     `json:"received_at"`
	// DueAt is the deadline in force: extensions and paused time included.
	DueAt           time.Time  `json:"due_at"`
	ReceiptDueAt    *time.Time `json:"receipt_due_at,omitempty"`
	ExtendedTo      *time.Time `json:"extended_to,omitempty"`
	ExtensionReason string     `json:"extension_reason,omitempty"`
	// PausedAt is set while the clock is stopped waiting for information;
	// PausedTotal is the time it has been stopped before.
	PausedAt        *time.Time    `json:"paused_at,omitempty"`
	PausedTotal     time.Duration `json:"paused_total"`
	CompletedAt     *time.Time    `json:"completed_at,omitempty"`
	Outcome         string        `json:"outcome,omitempty"`
	DenyReason      string        `json:"deny_reason,omitempty"`
	StatusTokenHash []byte        `json:"-"`
	// ContactType is the kind of the sealed contact (email or phone).
	ContactType   IdentityType        `json:"-"`
	SealedContact []byte              `json:"-"`
	Verification  RequestVerification `json:"verification"`
	Fee           *RequestFee         `json:"fee,omitempty"`
	// ProcessorClient is the client key the request was routed to.
	ProcessorClient string `json:"processor_client,omitempty"`
	// Details is non-personal JSON: what was kept and why, the package id,
	// the corrected field names. Never values.
	Details   []byte    `json:"-"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Open reports whether the request is still being handled.
func (r *Request) Open() bool { return !r.Status.Closed() }

// RequestFilter selects requests to list. Zero fields do not filter. Results
// are ordered by due date, then id; AfterDue and AfterID page.
type RequestFilter struct {
	Status    RequestStatus
	Type      string
	SubjectID string
	OpenOnly  bool
	// DueBefore keeps requests due strictly before it.
	DueBefore time.Time
	// ReceivedFrom and ReceivedTo keep requests received in [from, to).
	ReceivedFrom, ReceivedTo time.Time
	AfterDue                 time.Time
	AfterID                  string
	Limit                    int
}

// RequestDueCount is how many open requests of one type are overdue and due
// soon, over every tenant: what /metrics shows, without any tenant label.
type RequestDueCount struct {
	Type    string
	Overdue int
	DueSoon int
}

// RequestStore keeps data-subject requests.
type RequestStore interface {
	// CreateRequest inserts r. ECONFLICT when r has a subject that already
	// has an open request of r's type (a unique index decides, so two
	// concurrent creates cannot both succeed); OpenRequest returns that one.
	// ENOTFOUND if the tenant does not exist.
	CreateRequest(ctx context.Context, r *Request) error
	// Request returns the tenant's request. ENOTFOUND if none.
	Request(ctx context.Context, tenantID, id string) (*Request, error)
	// RequestByStatusToken finds a request by the SHA-256 of its status
	// link token, in any tenant. ENOTFOUND if none.
	RequestByStatusToken(ctx context.Context, tokenHash []byte) (*Request, error)
	// UpdateRequest saves every mutable attribute of r. ENOTFOUND if none;
	// ECONFLICT if the change would give the subject a second open request
	// of the type.
	UpdateRequest(ctx context.Context, r *Request) error
	// OpenRequest returns the subject's open request of the type. ENOTFOUND if none.
	OpenRequest(ctx context.Context, tenantID, subjectID, typ string) (*Request, error)
	// Requests lists the tenant's requests by due date.
	Requests(ctx context.Context, tenantID string, f RequestFilter) ([]*Request, error)
	// CountRequests counts the tenant's requests the filter selects
	// (ignoring paging): repeat limits count a subject's requests of a
	// type received in a window.
	CountRequests(ctx context.Context, tenantID string, f RequestFilter) (int, error)
	// RequestDueCounts counts, per type over every tenant, the open requests
	// due before now (overdue) and due in [now, soon) (due soon). Requests
	// waiting for their code or with a paused clock are not counted.
	RequestDueCounts(ctx context.Context, now, soon time.Time) ([]RequestDueCount, error)
	// UnverifiedBefore lists up to limit requests of any tenant still
	// pending verification that were received before t, oldest first.
	UnverifiedBefore(ctx context.Context, t time.Time, limit int) ([]*Request, error)
}

// DataSource is one place a subject's personal data lives. A request's
// execution runs over every source: the vault first, the company's own
// databases later. Every method is idempotent: a rerun after a crash does
// no harm.
type DataSource interface {
	// Name identifies the source in reports ("vault").
	Name() string
	// Access returns an inventory of what the source holds about the
	// subject: categories and field names, never values (the access
	// package reads values itself, for the person only).
	Access(ctx context.Context, tenantID, subjectID string) (*SourceInventory, error)
	// Erase removes the subject's data in the scope (everything, or only
	// the categories named) except the categories kept, and reports what
	// it erased.
	Erase(ctx context.Context, tenantID, subjectID string, scope ErasureScope) (*ErasureReport, error)
	// Rectify applies corrections (field name → new value). EINVALID,
	// naming the field, when the source holds no such field.
	Rectify(ctx context.Context, tenantID, subjectID string, corrections map[string]string) error
}

// SourceInventory is what one data source holds about a subject: field
// names by category.
type SourceInventory struct {
	Source string              `json:"source"`
	Fields map[string][]string `json:"fields"`
}

// ErasureScope is what an erasure covers. With no Categories it covers all
// of the subject's data, and a source with nothing kept forgets the subject
// altogether; with Categories it removes only the data in them (and the
// categories under them), and the subject stays.
type ErasureScope struct {
	Categories []string
	Keep       []KeptCategory
}

// ErasureReport says what a source erased and what it kept, and why. It
// names categories and reasons, never values.
type ErasureReport struct {
	Source string         `json:"source"`
	Erased []string       `json:"erased,omitempty"` // categories
	Kept   []KeptCategory `json:"kept,omitempty"`
}

// KeptCategory is a category an erasure kept, with the reason (a legal hold
// id, a legal obligation).
type KeptCategory struct {
	Category string `json:"category"`
	Reason   string `json:"reason"`
}
