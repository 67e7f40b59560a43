package retention

import (
	"context"
	"fmt"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/audit"
	"github.com/privet-dev/privet/policy"
)

// Records privet keeps itself are swept tenant by tenant, rule by rule: each
// kind is found through the index on the time its period runs from, a batch
// per transaction, and each batch commits with one audit event stating what
// it did (a count and a time bound; no record names a person). A subject
// under a legal hold keeps its packages and requests, and the audit chain is
// pruned only up to the first event of a held subject. A tenant's consent
// history is pruned subject by subject, through the schedule (see apply);
// its visitors' consent events tenant-wide by their time (see
// pruneVisitors).

// RecordReport is what a sweep did to one kind of record under one rule.
type RecordReport struct {
	TenantID string `json:"tenant_id"`
	RuleKey  string `json:"rule"`
	Record   string `json:"record"`
	Action   string `json:"action"`
	Count    int    `json:"count"`
}

// record adds n records acted on to the report.
func (st *sweep) record(tenantID string, rule *policy.RetentionRule, record, action string, n int) {
	if n == 0 {
		return
	}
	for i := range st.rep.Records {
		r := &st.rep.Records[i]
		if r.TenantID == tenantID && r.RuleKey == rule.Key && r.Record == record {
			r.Count += n
			return
		}
	}
	st.rep.Records = append(st.rep.Records, RecordReport{TenantID: tenantID, RuleKey: rule.Key, Record: record, Action: action, Count: n})
}

// records runs every tenant's rules over records swept tenant-wide, and
// over its visitors' consent events.
func (st *sweep) records(ctx context.Context) error {
	var tenants []*privet.Tenant
	if err := st.s.Store.View(ctx, func(tx privet.Tx) (err error) {
		tenants, err = tx.Tenants(ctx)
		return err
	}); err != nil {
		return err
	}
	for _, tn := range tenants {
		pol, err := st.s.Policies.Policy(ctx, tn.ID)
		if privet.ErrorCode(err) == privet.ENOTFOUND {
			continue // a tenant with no policy has no rules
		} else if err != nil {
			return err
		}
		if err := st.pruneVisitors(ctx, tn.ID, pol); err != nil {
			return err
		}
		rules := pol.RecordRules()
		if len(rules) == 0 {
			continue
		}
		ts, err := st.tenant(ctx, tn.ID)
		if err != nil {
			return err
		}
		for i := range rules {
			r := &rules[i]
			before := pol.Cutoff(r, st.now)
			for _, rec := range r.Records {
				if err := ctx.Err(); err != nil {
					return err
				}
				if rec == privet.RecordAuditEvents {
					err = st.pruneAudit(ctx, tn.ID, ts, r, before)
				} else {
					err = st.pruneRecords(ctx, tn.ID, ts, r, rec, before)
				}
				if err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// heldSubjects lists the subjects active holds keep whole.
func (ts *tenantState) heldSubjects() []string {
	var ids []string
	for _, h := range ts.holds {
		if h.SubjectID != "" {
			ids = append(ids, h.SubjectID)
		}
	}
	return ids
}

// pruneRecords deletes or anonymizes export packages or closed requests due
// before, a batch per transaction, until none is left.
func (st *sweep) pruneRecords(ctx context.Context, tenantID string, ts *tenantState, r *policy.RetentionRule, record string, before time.Time) error {
	p := privet.RecordPrune{TenantID: tenantID, Record: record, Action: r.Action, Before: before, At: st.now, Limit: st.s.batch(), Keep: ts.heldSubjects()}
	for {
		var n int
		err := st.s.Store.Update(ctx, func(tx privet.Tx) (err error) {
			if n, err = tx.PruneRecordsBefore(ctx, p); err != nil || n == 0 {
				return err
			}
			ev := system.Event(tenantID, "retention."+r.Action, st.now)
			ev.Reason = fmt.Sprintf("rule %s; %d %s due before %s", r.Key, n, record, before.UTC().Format(time.RFC3339))
			return tx.AppendAudit(ctx, ev)
		})
		if err != nil {
			return err
		}
		st.record(tenantID, r, record, r.Action, n)
		if n < p.Limit {
			return nil
		}
	}
}

// pruneAudit deletes the oldest part of the tenant's audit chain that is
// due: up to the latest signed checkpoint older than before (and before the
// first event of a held subject). The checkpoint stays as the new anchor. An
// audit.prune event stating the range is appended first, in the
// transaction of the first batch, so the chain never lacks events that no
// event accounts for; a sweep cut short is finished by the next one, which
// finds that event and does not announce the range again.
func (st *sweep) pruneAudit(ctx context.Context, tenantID string, ts *tenantState, r *policy.RetentionRule, before time.Time) error {
	var a auditDue
	err := st.s.Store.View(ctx, func(tx privet.Tx) (err error) {
		a, err = dueAudit(ctx, tx, tenantID, ts.heldSubjects(), before)
		return err
	})
	if err != nil || a.anchor == nil {
		return err
	}
	first, anchor, announced := a.first, a.anchor, a.announced
	for {
		var n int
		err := st.s.Store.Update(ctx, func(tx privet.Tx) (err error) {
			if !announced {
				ev := audit.PruneActor.Event(tenantID, audit.PruneAction, st.now)
				ev.Reason = audit.PruneReason(first, anchor.Seq, r.Key)
				if err := tx.AppendAudit(ctx, ev); err != nil {
					return err
				}
			}
			n, err = tx.DeleteAuditThrough(ctx, tenantID, anchor.Seq, st.s.batch())
			return err
		})
		if err != nil {
			return err
		}
		announced = true
		st.record(tenantID, r, privet.RecordAuditEvents, r.Action, n)
		if n < st.s.batch() {
			return nil
		}
	}
}

// auditDue is the part of an audit chain due for deletion: events first to
// anchor.Seq; nil anchor when none is.
type auditDue struct {
	first     int64
	anchor    *privet.Checkpoint
	announced bool // an audit.prune event for this range exists already
}

// dueAudit finds the latest signed checkpoint older than before, and before
// the first event of a held subject, through indexes: the first event by
// the primary key, each held subject's first event by the subject index,
// earlier prune events by the actor index.
func dueAudit(ctx context.Context, tx privet.Tx, tenantID string, held []string, before time.Time) (auditDue, error) {
	var a auditDue
	evs, err := tx.AuditEvents(ctx, tenantID, privet.AuditQuery{Limit: 1})
	if err != nil || len(evs) == 0 {
		return a, err
	}
	a.first = evs[0].Seq
	limit := int64(1<<63 - 1)
	for _, id := range held {
		evs, err := tx.AuditEvents(ctx, tenantID, privet.AuditQuery{SubjectID: id, Limit: 1})
		if err != nil {
			return a, err
		}
		if len(evs) > 0 {
			limit = min(limit, evs[0].Seq-1)
		}
	}
	cps, err := tx.Checkpoints(ctx, tenantID)
	if err != nil {
		return a, err
	}
	// A checkpoint signs a head written before it: one older than before
	// covers only events older than before.
	for _, cp := range cps {
		if cp.Time.Before(before) && cp.Seq <= limit && cp.Seq >= a.first {
			a.anchor = cp
		}
	}
	if a.anchor == nil {
		return a, nil
	}
	prior, err := tx.AuditEvents(ctx, tenantID, privet.AuditQuery{ActorID: audit.PruneActor.ID, AfterSeq: a.anchor.Seq, Limit: audit.MaxPage})
	for _, e := range prior {
		if _, through, ok := audit.ParsePruneReason(e.Reason); ok && e.Action == audit.PruneAction && through == a.anchor.Seq {
			a.announced = true
		}
	}
	return a, err
}

// RecordPlan is what a rule over records would do if a sweep ran now.
type RecordPlan struct {
	RuleKey string `json:"rule"`
	Record  string `json:"record"`
	// Visitors marks the consent events of visitors never linked to a
	// subject, under the rule over cookie data (see pruneVisitors).
	Visitors bool   `json:"visitors,omitempty"`
	Action   string `json:"action"`
	// DueBefore: records whose period runs from before it are due.
	DueBefore time.Time `json:"due_before"`
	// Due is how many records are due now (0 when a hold keeps them).
	Due int64 `json:"due"`
	// ThroughSeq, for audit events, is the signed checkpoint the chain
	// would be deleted up to; 0 when no checkpoint qualifies yet.
	ThroughSeq int64 `json:"through_seq,omitempty"`
}

// PlanRecords lists, rule by rule, the tenant's records a sweep would act on
// now, counted through the same indexes, changing nothing: visitors' consent
// events first, when a rule covers cookie data. Subjects' consent history
// is planned per subject, in Plan.
func (s *Service) PlanRecords(ctx context.Context, tenantID string) ([]RecordPlan, error) {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	now := s.now().Now()
	out := []RecordPlan{}
	err = s.Store.View(ctx, func(tx privet.Tx) error {
		holds, err := activeHolds(ctx, tx, tenantID, now)
		if err != nil {
			return err
		}
		held := (&tenantState{holds: holds}).heldSubjects()
		if p, ok, err := planVisitors(ctx, tx, tenantID, pol, now); err != nil {
			return err
		} else if ok {
			out = append(out, p)
		}
		for _, r := range pol.RecordRules() {
			before := pol.Cutoff(&r, now)
			for _, rec := range r.Records {
				p := RecordPlan{RuleKey: r.Key, Record: rec, Action: r.Action, DueBefore: before}
				if rec == privet.RecordAuditEvents {
					a, err := dueAudit(ctx, tx, tenantID, held, before)
					if err != nil {
						return err
					}
					if a.anchor != nil {
						p.Due, p.ThroughSeq = a.anchor.Seq-a.first+1, a.anchor.Seq
					}
				} else if p.Due, err = tx.CountRecordsBefore(ctx, privet.RecordPrune{TenantID: tenantID, Record: rec, Before: before, Keep: held}); err != nil {
					return err
				}
				out = append(out, p)
			}
		}
		return nil
	})
	return out, err
}
