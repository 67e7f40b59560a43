package privet

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"time"
)

// Actor types: who touched the data.
const (
	ActorAPIKey  = "api_key"
	ActorAdmin   = "admin" // the command line, run by an operator
	ActorSubject = "subject"
	ActorSystem  = "system" // jobs: retention sweeps, key rotation
)

// Audit results.
const (
	ResultOK     = "ok"
	ResultDenied = "denied"
	ResultError  = "error"
)

// AuditEvent records one touch of personal data or one administrative action.
// It names the subject by id only: never an identity or a value.
//
// Events form one hash chain per tenant: each Hash covers the event and the
// previous event's Hash, so an edit, deletion, insertion or reordering breaks
// the chain at the first event touched. Signed checkpoints pin the chain head.
type AuditEvent struct {
	TenantID   string    `json:"tenant_id"`
	Seq        int64     `json:"seq"`
	Time       time.Time `json:"time"`
	ActorType  string    `json:"actor_type"`
	ActorID    string    `json:"actor_id"`
	Action     string    `json:"action"` // e.g. "subject.create", "subject.read", "key.revoke"
	SubjectID  string    `json:"subject_id,omitempty"`
	Categories []string  `json:"categories,omitempty"`
	Purpose    string    `json:"purpose,omitempty"`
	Result     string    `json:"result"`
	// Reason is a safe, non-personal detail: an error code, a withheld count.
	Reason string `json:"reason,omitempty"`
	// Resource is the application resource (a document id) the event is
	// about, for events reporting who viewed or edited it; see CheckResourceID.
	Resource string `json:"resource,omitempty"`
	PrevHash []byte `json:"prev_hash"`
	Hash     []byte `json:"hash"`
}

// ComputeHash returns the SHA-256 over PrevHash and a length-prefixed encoding
// of every other field, so no two different events share an encoding.
func (e *AuditEvent) ComputeHash() []byte {
	h := sha256.New()
	var n [8]byte
	put := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	put(e.PrevHash)
	put([]byte(e.TenantID))
	binary.BigEndian.PutUint64(n[:], uint64(e.Seq))
	h.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(e.Time.UTC().UnixNano()))
	h.Write(n[:])
	for _, s := range []string{e.ActorType, e.ActorID, e.Action, e.SubjectID, e.Purpose, e.Result, e.Reason} {
		put([]byte(s))
	}
	binary.BigEndian.PutUint64(n[:], uint64(len(e.Categories)))
	h.Write(n[:])
	for _, c := range e.Categories {
		put([]byte(c))
	}
	// Only events that name a resource hash it, so every event written
	// before resources existed keeps its hash; the categories' count above
	// keeps the two encodings apart.
	if e.Resource != "" {
		put([]byte(e.Resource))
	}
	return h.Sum(nil)
}

// AuditQuery selects audit events. Zero fields do not filter. Results are in
// chain order; AfterSeq pages.
type AuditQuery struct {
	SubjectID string
	ActorID   string
	Action    string
	// Resource selects the events about one application resource.
	Resource string
	Since    time.Time
	Until    time.Time
	AfterSeq int64
	Limit    int
}

// Checkpoint is a signed statement of a tenant's chain head.
type Checkpoint struct {
	TenantID  string    `json:"tenant_id"`
	Seq       int64     `json:"seq"`
	Hash      []byte    `json:"hash"`
	Time      time.Time `json:"time"`
	Signature []byte    `json:"signature"` // Ed25519 over Message()
}

// Message is the byte string a checkpoint's signature covers.
func (c *Checkpoint) Message() []byte {
	b := []byte("privet-audit-checkpoint-v1\x00" + c.TenantID + "\x00")
	b = binary.BigEndian.AppendUint64(b, uint64(c.Seq))
	b = append(b, c.Hash...)
	return binary.BigEndian.AppendUint64(b, uint64(c.Time.UTC().UnixNano()))
}

// AuditStore keeps the audit log.
type AuditStore interface {
	// AppendAudit assigns e's Seq (head+1), PrevHash (the head's hash) and Hash,
	// and inserts it, in the caller's transaction: no audit, no operation. A
	// store may link the event at the end of a shared transaction (group
	// commit, as PostgreSQL does): the fields are set once Update returns, and
	// reads of the audit log in the same transaction see the event.
	AppendAudit(ctx context.Context, e *AuditEvent) error
	// AuditHead returns the seq and hash of the tenant's last event.
	// ENOTFOUND if the tenant has no events.
	AuditHead(ctx context.Context, tenantID string) (seq int64, hash []byte, err error)
	// AuditEvents returns the tenant's events matching q, in Seq order.
	AuditEvents(ctx context.Context, tenantID string, q AuditQuery) ([]*AuditEvent, error)
	// PutCheckpoint inserts a checkpoint.
	PutCheckpoint(ctx context.Context, c *Checkpoint) error
	// Checkpoints returns the tenant's checkpoints in Seq order.
	Checkpoints(ctx context.Context, tenantID string) ([]*Checkpoint, error)
}

// Actor is who touched the data, as the audit log records it: a type and an
// id (an API key id, an operator, a subject id, a job), never a secret.
type Actor struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// Event returns an audit event by this actor, with the time and result set.
func (a Actor) Event(tenantID, action string, t time.Time) *AuditEvent {
	return &AuditEvent{TenantID: tenantID, Time: t, ActorType: a.Type, ActorID: a.ID, Action: action, Result: ResultOK}
}
