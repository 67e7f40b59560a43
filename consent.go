package privet

import (
	"context"
	"slices"
	"time"
)

// ConsentState is what a consent event says about a purpose.
type ConsentState string

// Consent states. StateLinked is no choice: it records that a visitor (a
// cookie id) became a known subject, so the visitor's history joins the
// subject's without rewriting any event.
const (
	StateGiven        ConsentState = "given"
	StateRefused      ConsentState = "refused"
	StateWithdrawn    ConsentState = "withdrawn"
	StateExpired      ConsentState = "expired"
	StateNeedsRenewal ConsentState = "needs_renewal"
	StateLinked       ConsentState = "linked"
)

// ConsentStates lists the states a caller may record, in a stable order.
var ConsentStates = []ConsentState{StateGiven, StateRefused, StateWithdrawn, StateExpired, StateNeedsRenewal}

// ParseConsentState validates a recordable state.
func ParseConsentState(s string) (ConsentState, error) {
	if slices.Contains(ConsentStates, ConsentState(s)) {
		return ConsentState(s), nil
	}
	return "", FieldError("state", "unknown consent state")
}

// ConsentSource is where a consent event came from.
type ConsentSource string

// Consent sources. SourceGPC is a Global Privacy Control signal: an opt-out
// of sale, sharing and targeted advertising that names no single purpose.
// SourceDNT is a browser's Do Not Track header, recorded where the policy
// honours it (honour_dnt) and then acting as such an opt-out everywhere.
const (
	SourceBanner     ConsentSource = "banner"
	SourceAPI        ConsentSource = "api"
	SourceEmailLink  ConsentSource = "email_link"
	SourceSMSKeyword ConsentSource = "sms_keyword"
	SourceGPC        ConsentSource = "gpc_signal"
	SourceDNT        ConsentSource = "dnt_signal"
	SourceAdmin      ConsentSource = "admin"
	SourceImport     ConsentSource = "import"
)

// ConsentSources lists every source, in a stable order.
var ConsentSources = []ConsentSource{SourceBanner, SourceAPI, SourceEmailLink, SourceSMSKeyword, SourceGPC, SourceDNT, SourceAdmin, SourceImport}

// ParseConsentSource validates a source name.
func ParseConsentSource(s string) (ConsentSource, error) {
	if slices.Contains(ConsentSources, ConsentSource(s)) {
		return ConsentSource(s), nil
	}
	return "", FieldError("source", "unknown consent source")
}

// ConsentEvent is one entry of the consent ledger. Events are appended and
// never updated: the current choice for a purpose is the event with the
// highest Seq, so two events in the same millisecond still have an order.
//
// An event names a known subject by id, or a visitor not yet known by the
// blind index of its cookie id, never the cookie id itself. Its evidence is
// the user agent and an IP address truncated to its network (/24 or /48).
type ConsentEvent struct {
	ID       string `json:"id"`
	TenantID string `json:"-"`
	// Seq is assigned by the store: global across tenants and increasing,
	// so a server catches up by asking for the events after the last it saw.
	Seq       int64  `json:"seq"`
	SubjectID string `json:"subject_id,omitempty"`
	// Visitor is the blind index of the visitor's cookie id; nil for none.
	Visitor []byte        `json:"-"`
	Purpose string        `json:"purpose,omitempty"`
	State   ConsentState  `json:"state"`
	Source  ConsentSource `json:"source"`
	// PolicyVersion is the hash of the policy in force when the choice was made.
	PolicyVersion string `json:"policy_version"`
	Jurisdiction  string `json:"jurisdiction,omitempty"`
	// NoticeHash is the SHA-256 (hex) of the notice text shown to the person.
	NoticeHash string `json:"notice_hash,omitempty"`
	UserAgent  string `json:"user_agent,omitempty"`
	IP         string `json:"ip,omitempty"` // truncated: 203.0.113.0, 2001:db8:1::
	// Guardian marks a consent given by a parent or guardian for a child.
	Guardian bool      `json:"guardian,omitempty"`
	Time     time.Time `json:"time"`
}

// ConsentQuery selects one party's events: a subject's (with the events of
// every visitor linked to it) or a visitor's. AfterSeq pages.
type ConsentQuery struct {
	SubjectID string
	Visitor   []byte
	AfterSeq  int64
	Limit     int
}

// ConsentStore keeps the consent ledger.
type ConsentStore interface {
	// AppendConsent assigns e's Seq and inserts it. ENOTFOUND if the tenant
	// or the subject does not exist.
	AppendConsent(ctx context.Context, e *ConsentEvent) error
	// ConsentEvents returns the tenant's events for one subject (including
	// the events of visitors linked to it) or one visitor, in Seq order.
	// EINVALID unless exactly one of SubjectID and Visitor is set.
	ConsentEvents(ctx context.Context, tenantID string, q ConsentQuery) ([]*ConsentEvent, error)
	// ConsentEvent returns the tenant's event with the id. ENOTFOUND if none.
	ConsentEvent(ctx context.Context, tenantID, id string) (*ConsentEvent, error)
	// ConsentEventsAfter returns up to limit events of every tenant with a
	// Seq above afterSeq, in Seq order: how a server fills its memory. It
	// returns only a stable prefix: no event with a lower Seq than the last
	// one returned can commit later, so a reader may continue after it.
	ConsentEventsAfter(ctx context.Context, afterSeq int64, limit int) ([]*ConsentEvent, error)
	// ConsentChoicesAfter is ConsentEventsAfter for filling memory, lighter:
	// it reads only the columns a decision needs and calls fn for each
	// event in Seq order with Seq, TenantID, SubjectID, Visitor, Purpose,
	// State, Source, PolicyVersion, Jurisdiction, Guardian and Time set (ID,
	// NoticeHash, UserAgent and IP empty). fn must not keep the pointer: it
	// is reused. It returns how many events it read, and the same stable
	// prefix as ConsentEventsAfter.
	ConsentChoicesAfter(ctx context.Context, afterSeq int64, limit int, fn func(*ConsentEvent)) (int, error)
	// ConsentEventAt returns the event with the seq, of any tenant: the one
	// a notification named. ENOTFOUND if none is visible.
	ConsentEventAt(ctx context.Context, seq int64) (*ConsentEvent, error)
	// AppendLiveConsent is AppendConsent for a choice of a known subject:
	// it inserts e only while the subject exists and is not erased, checked
	// in the same statement as the insert, and fills an empty Jurisdiction
	// with the subject's. ENOTFOUND if the subject does not exist or is
	// erased, EINVALID if e names no subject or is a link.
	AppendLiveConsent(ctx context.Context, e *ConsentEvent) error
	// LinkVisitor appends e, a StateLinked event naming both the visitor
	// and the subject it became. ECONFLICT if the visitor is linked already,
	// ENOTFOUND if the subject does not exist.
	LinkVisitor(ctx context.Context, e *ConsentEvent) error
}
