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
// history is pruned subject by subject, through the schedule (see apply).

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

// records runs every tenant's rules over records swept tenant-wide.
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
	var anchor *privet.Checkpoint
	var first int64
	var announced bool
	err := st.s.Store.View(ctx, func(tx privet.Tx) error {
		evs, err := tx.AuditEvents(ctx, tenantID, privet.AuditQuery{Limit: 1})
		if err != nil || len(evs) == 0 {
			return err
		}
		first = evs[0].Seq
		limit := int64(1<<63 - 1)
		for _, id := range ts.heldSubjects() {
			held, err := tx.AuditEvents(ctx, tenantID, privet.AuditQuery{SubjectID: id, Limit: 1})
			if err != nil {
				return err
			}
			if len(held) > 0 {
				limit = min(limit, held[0].Seq-1)
			}
		}
		cps, err := tx.Checkpoints(ctx, tenantID)
		if err != nil {
			return err
		}
		// A checkpoint signs a head written before it: one older than
		// before covers only events older than before.
		for _, cp := range cps {
			if cp.Time.Before(before) && cp.Seq <= limit && cp.Seq >= first {
				anchor = cp
			}
		}
		if anchor == nil {
			return nil
		}
		prior, err := tx.AuditEvents(ctx, tenantID, privet.AuditQuery{ActorID: audit.PruneActor.ID, AfterSeq: anchor.Seq, Limit: audit.MaxPage})
		for _, e := range prior {
			if _, through, ok := audit.ParsePruneReason(e.Reason); ok && e.Action == audit.PruneAction && through == anchor.Seq {
				announced = true
			}
		}
		return err
	})
	if err != nil || anchor == nil {
		return err
	}
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
