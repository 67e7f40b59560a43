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
}
