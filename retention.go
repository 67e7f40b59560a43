package privet

import (
	"context"
	"time"
)

// RetentionItem is one scheduled retention action: when DueAt passes, the
// rule RuleKey of the tenant's policy acts (Action) on the subject's data.
// Items are written when their trigger happens (an account closed, consent
// withdrawn, a relationship ended, activity) and found by their due time
// through an index, so a sweep never scans subjects.
type RetentionItem struct {
	TenantID  string
	SubjectID string
	RuleKey   string
	Action    string // delete, anonymize, aggregate
	DueAt     time.Time
}

// RetentionCursor is a position in due order: (DueAt, TenantID, SubjectID,
// RuleKey). The zero cursor is the start.
type RetentionCursor struct {
	DueAt     time.Time
	TenantID  string
	SubjectID string
	RuleKey   string
}

// Cursor returns the position of it.
func (it *RetentionItem) Cursor() RetentionCursor {
	return RetentionCursor{DueAt: it.DueAt, TenantID: it.TenantID, SubjectID: it.SubjectID, RuleKey: it.RuleKey}
}

// RetentionFilter selects a tenant's scheduled items, in due order.
type RetentionFilter struct {
	SubjectID string    // "" for every subject
	Before    time.Time // zero for any time
	After     RetentionCursor
	Limit     int
}

// RetentionCount is what an anonymizing or aggregating rule keeps: how many
// subjects shared one combination of kept values. It holds no subject id.
type RetentionCount struct {
	TenantID string
	RuleKey  string
	// Combination is the kept values as canonical JSON, e.g.
	// {"user.location.country":"DE"}; for an aggregating rule, the category
	// alone, e.g. {"user.device.ip_address":""}.
	Combination string
	Count       int64
}

// RetentionStore keeps the retention schedule and what anonymization keeps,
// and offers the batch writes a sweep needs.
type RetentionStore interface {
	// ScheduleRetention inserts items, or moves an existing item of the same
	// tenant, subject and rule to the new due time and action.
	ScheduleRetention(ctx context.Context, items []RetentionItem) error
	// UnscheduleRetention removes the subject's items of the named rules, or
	// all its items when none are named.
	UnscheduleRetention(ctx context.Context, tenantID, subjectID string, ruleKeys []string) error
	// DueRetention lists up to limit items of every tenant due at or before t,
	// strictly after the cursor, in due order, by index.
	DueRetention(ctx context.Context, t time.Time, after RetentionCursor, limit int) ([]RetentionItem, error)
	// ScheduledRetention lists the tenant's items matching f, in due order.
	ScheduledRetention(ctx context.Context, tenantID string, f RetentionFilter) ([]RetentionItem, error)
	// DoneRetention removes items once acted on; missing items are ignored.
	DoneRetention(ctx context.Context, items []RetentionItem) error
	// SubjectsByID returns the tenant's subjects among ids, with identities
	// and fields, in id order; missing ids are left out.
	SubjectsByID(ctx context.Context, tenantID string, ids []string) ([]*Subject, error)
	// EraseSubjects does what EraseSubject does, for many subjects at once.
	EraseSubjects(ctx context.Context, tenantID string, ids []string, t time.Time) error
	// AppendAudits appends events of one tenant in order, as AppendAudit does
	// each, in one write.
	AppendAudits(ctx context.Context, events []*AuditEvent) error
	// AddRetentionCounts adds each count to its (tenant, rule, combination).
	AddRetentionCounts(ctx context.Context, counts []RetentionCount) error
	// RetentionCounts lists the tenant's kept counts, by rule and combination.
	RetentionCounts(ctx context.Context, tenantID string) ([]RetentionCount, error)
	RetentionRecordStore
}

// Records privet keeps itself, which a retention rule may cover instead of
// subject data.
const (
	RecordConsentEvents  = "consent_events"
	RecordAuditEvents    = "audit_events"
	RecordExportPackages = "export_packages"
	RecordClosedRequests = "closed_requests"
)

// Retention actions.
const (
	RetentionDelete    = "delete"
	RetentionAnonymize = "anonymize"
	RetentionAggregate = "aggregate"
)

// RecordPrune is one batch of a rule over records: what to do to which kind
// of the tenant's records, due before when.
type RecordPrune struct {
	TenantID string
	Record   string    // RecordExportPackages or RecordClosedRequests
	Action   string    // RetentionDelete or RetentionAnonymize
	Before   time.Time // records whose period runs from before this are due
	At       time.Time // now, as the anonymized rows record it
	Limit    int
	// Keep lists subjects whose records stay whatever their age: legal
	// holds keep them.
	Keep []string
}

// RetentionRecordStore prunes the records privet keeps itself, through their
// indexes and a batch at a time, for the retention rules that cover them.
type RetentionRecordStore interface {
	// PruneConsentHistory deletes the consent events of the tenant's subjects
	// that a later event of the same subject and purpose replaced. What the
	// current decision rests on stays: the latest event per subject and
	// purpose, visitor links and browser signals (GPC, DNT). It returns how
	// many events it deleted.
	PruneConsentHistory(ctx context.Context, tenantID string, subjectIDs []string) (int, error)
	// CountRecordsBefore counts, by index, the records PruneRecordsBefore
	// would act on (ignoring p.Limit): p.Record's records of p.TenantID
	// (export packages created before p.Before; closed requests completed
	// before it and not yet anonymized), except those of p.Keep.
	CountRecordsBefore(ctx context.Context, p RecordPrune) (int64, error)
	// PruneRecordsBefore acts on up to p.Limit of those records due before
	// p.Before, oldest first: export packages are deleted with their chunks;
	// closed requests are deleted, or anonymized (the subject, contact,
	// status link, code and details dropped; type, jurisdiction, outcome and
	// times kept for the reports). It returns how many it acted on.
	PruneRecordsBefore(ctx context.Context, p RecordPrune) (int, error)
	// CountVisitorConsentBefore counts, by index, the consent events
	// DeleteVisitorConsentBefore would delete (ignoring its limit).
	CountVisitorConsentBefore(ctx context.Context, tenantID string, before time.Time) (int64, error)
	// DeleteVisitorConsentBefore deletes up to limit of the tenant's consent
	// events of visitors never linked to a subject (events naming a visitor
	// and no subject, of a visitor with no link event) whose time is before
	// before, oldest first, found through an index on their time. A linked
	// visitor's events, and every event naming a subject, stay. It returns
	// how many it deleted.
	DeleteVisitorConsentBefore(ctx context.Context, tenantID string, before time.Time, limit int) (int, error)
	// DeleteAuditThrough deletes up to limit of the tenant's oldest audit
	// events with Seq <= through, and once none is left, its checkpoints
	// below through: the checkpoint at through is the chain's new anchor.
	// It returns how many events it deleted.
	DeleteAuditThrough(ctx context.Context, tenantID string, through int64, limit int) (int, error)
}
