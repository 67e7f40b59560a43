package privet

import (
	"context"
	"time"
)

// SubjectStatus is where a subject is in its life.
type SubjectStatus string

// Subject statuses.
const (
	StatusActive     SubjectStatus = "active"
	StatusClosed     SubjectStatus = "closed"     // account closed; retention decides when data goes
	StatusRestricted SubjectStatus = "restricted" // processing restricted (GDPR Art. 18)
	StatusErased     SubjectStatus = "erased"     // data key destroyed, rows deleted; only the id remains
)

// IdentityType is a kind of identifier by which a subject is found.
type IdentityType string

// Identity types.
const (
	IdentityEmail      IdentityType = "email"
	IdentityPhone      IdentityType = "phone"
	IdentityExternalID IdentityType = "external_id" // the app's own user id
	IdentityCookieID   IdentityType = "cookie_id"
)

// IdentityTypes lists the identity types in a stable order.
var IdentityTypes = []IdentityType{IdentityEmail, IdentityPhone, IdentityExternalID, IdentityCookieID}

// Subject is a person whose data privet keeps, as stored: every piece of
// personal data is sealed (encrypted) under the subject's own data key, and
// identities are found through their blind index, never by decrypting.
type Subject struct {
	ID           string
	TenantID     string
	Jurisdiction string // ISO 3166-1 alpha-2 or 3166-2 subdivision: DE, US-CA, CN
	Status       SubjectStatus
	// AgeBand is a coarse age ("under_13", "13_15", "16_17", "adult", or "").
	AgeBand string
	// SealedBirthDate is the birth date (YYYY-MM-DD), sealed; nil if unknown.
	SealedBirthDate []byte
	CreatedAt       time.Time
	UpdatedAt       time.Time
	LastActivityAt  time.Time
	ClosedAt        *time.Time
	ErasedAt        *time.Time
	Identities      []Identity
	Fields          []Field
}

// Identity is one identifier of a subject, as stored.
type Identity struct {
	Type IdentityType
	// Index is the keyed blind index (HMAC-SHA256) of the normalized value;
	// unique per tenant and type, enforced by the database.
	Index []byte
	// Sealed is the normalized value, sealed under the subject's data key.
	Sealed []byte
}

// Field is one piece of a subject's record, as stored.
type Field struct {
	Name      string // the application's name for it, e.g. "email" or "shipping_address"
	Category  string // a data category key from the policy, e.g. "user.contact.email"
	Sealed    []byte // the value, sealed under the subject's data key
	UpdatedAt time.Time
}

// SubjectFilter selects subjects to list. Results are ordered by id; After is
// the last id of the previous page.
type SubjectFilter struct {
	Status SubjectStatus // "" for any
	After  string
	Limit  int
}

// SubjectStore keeps subjects with their identities and fields.
type SubjectStore interface {
	// CreateSubject inserts s with its identities and fields. When an identity's
	// index already exists for the tenant and type, it returns an ECONFLICT
	// *Error whose Field names the identity type (never the value).
	CreateSubject(ctx context.Context, s *Subject) error
	// Subject returns the tenant's subject with its identities and fields. ENOTFOUND if none.
	Subject(ctx context.Context, tenantID, id string) (*Subject, error)
	// SubjectAttrs returns the tenant's subject without identities and
	// fields: its status, jurisdiction, age band, birth date and times, for
	// checks that decrypt nothing (a consent write reads no more). ENOTFOUND if none.
	SubjectAttrs(ctx context.Context, tenantID, id string) (*Subject, error)
	// SubjectIDByIdentity finds a subject id by a blind index. ENOTFOUND if none.
	SubjectIDByIdentity(ctx context.Context, tenantID string, typ IdentityType, index []byte) (string, error)
	// SubjectByIdentity returns the subject a blind index belongs to, with
	// its identities and fields as Subject returns them, read in one
	// snapshot. ENOTFOUND if no subject has it.
	SubjectByIdentity(ctx context.Context, tenantID string, typ IdentityType, index []byte) (*Subject, error)
	// Subjects lists the tenant's subjects (without identities and fields).
	Subjects(ctx context.Context, tenantID string, f SubjectFilter) ([]*Subject, error)
	// UpdateSubject saves s's scalar attributes (status, jurisdiction, age band,
	// birth date, times). ENOTFOUND if none.
	UpdateSubject(ctx context.Context, s *Subject) error
	// PutFields inserts or replaces fields by name.
	PutFields(ctx context.Context, tenantID, subjectID string, fields []Field) error
	// DeleteFields removes the named fields; missing names are ignored.
	DeleteFields(ctx context.Context, tenantID, subjectID string, names []string) error
	// AddIdentity attaches an identity; ECONFLICT (Field = type) if taken.
	AddIdentity(ctx context.Context, tenantID, subjectID string, id Identity) error
	// RemoveIdentity detaches an identity by type and index; ENOTFOUND if absent.
	RemoveIdentity(ctx context.Context, tenantID, subjectID string, typ IdentityType, index []byte) error
	// EraseSubject deletes the subject's identities and fields and its sealed
	// birth date, and marks it erased at t. The row stays as a pseudonymous id.
	EraseSubject(ctx context.Context, tenantID, id string, t time.Time) error
}

// SubjectFinder is a Store that reads a subject by one of its identities
// outside any transaction: one statement, which is its own snapshot, so a
// lookup costs no BEGIN and ROLLBACK (on PostgreSQL, two round trips of
// three). It returns what Tx.SubjectByIdentity returns. Both stores
// implement it; a Store that does not is read through View.
type SubjectFinder interface {
	FindSubject(ctx context.Context, tenantID string, typ IdentityType, index []byte) (*Subject, error)
}

// DataKey is a subject's own data encryption key, wrapped by the master key.
// Data keys live in a key store apart from the data, so a backup of the data
// holds no usable key, and destroying a data key crypto-shreds every copy of
// the subject's data.
type DataKey struct {
	TenantID  string
	SubjectID string
	Wrapped   []byte
	// MasterKeyID is the id of the master key version that wrapped it.
	MasterKeyID uint32
	CreatedAt   time.Time
}

// DataKeyStore keeps wrapped data keys, in storage separate from the data.
type DataKeyStore interface {
	// PutDataKey inserts k. ECONFLICT if the subject already has one.
	PutDataKey(ctx context.Context, k *DataKey) error
	// PutDataKeys inserts many keys in one commit. ECONFLICT if a subject
	// already has a key; then none is inserted.
	PutDataKeys(ctx context.Context, keys []*DataKey) error
	// DataKey returns the subject's key. ENOTFOUND if none or destroyed.
	DataKey(ctx context.Context, tenantID, subjectID string) (*DataKey, error)
	// DeleteDataKey destroys the subject's key. Deleting a missing key is not an error.
	DeleteDataKey(ctx context.Context, tenantID, subjectID string) error
	// DeleteDataKeys destroys many of a tenant's keys at once. Missing keys
	// are not an error.
	DeleteDataKeys(ctx context.Context, tenantID string, subjectIDs []string) error
	// DataKeysNotWrappedBy lists up to limit keys whose MasterKeyID differs from
	// masterKeyID, ordered by (tenant, subject), after the given position.
	DataKeysNotWrappedBy(ctx context.Context, masterKeyID uint32, afterTenant, afterSubject string, limit int) ([]*DataKey, error)
	// RewrapDataKey replaces a key's wrapping if it is still wrapped by oldID.
	RewrapDataKey(ctx context.Context, tenantID, subjectID string, oldID uint32, wrapped []byte, newID uint32) error
	// CountDataKeys counts keys by the master key id that wraps them.
	CountDataKeys(ctx context.Context) (map[uint32]int64, error)
	Close() error
}

// IdentityConflict is the error of an identity that already belongs to
// another subject of the tenant. It names the identity type, never the value.
func IdentityConflict(typ IdentityType) *Error {
	return &Error{Code: ECONFLICT, Field: "identities." + string(typ), Message: string(typ) + " identity already belongs to a subject"}
}
