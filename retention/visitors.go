package retention

import (
	"context"
	"fmt"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// A visitor's consent events (a banner choice naming a cookie id's blind
// index and no subject, with the user agent and truncated IP as evidence)
// are cookie data: the policy's rules over cookie data triggered by
// collection cap how long they are kept, from each event's own time (see
// policy.VisitorRule). Once a visitor is linked to a subject its history is
// the subject's and follows the subject's rules. Whatever the rule's action,
// the events are deleted: without the visitor, the user agent and the IP an
// event proves nothing. Legal holds name subjects; a visitor has none.
//
// The consent service counts a visitor's choice older than the same cutoff
// as absent, so no server's memory needs to hear of the deletion.

// pruneVisitors deletes the tenant's visitors' consent events that are due,
// a batch per transaction with one audit event each, until none is left.
// When none is due (most sweeps: they run hourly) it takes no write
// transaction, which on SQLite every writer waits for.
func (st *sweep) pruneVisitors(ctx context.Context, tenantID string, pol *policy.Compiled) error {
	r, before, ok := pol.VisitorRule(st.now)
	if !ok {
		return nil
	}
	var due int64
	if err := st.s.Store.View(ctx, func(tx privet.Tx) (err error) {
		due, err = tx.CountVisitorConsentBefore(ctx, tenantID, before)
		return err
	}); err != nil || due == 0 {
		return err
	}
	for {
		var n int
		err := st.s.Store.Update(ctx, func(tx privet.Tx) (err error) {
			if n, err = tx.DeleteVisitorConsentBefore(ctx, tenantID, before, st.s.batch()); err != nil || n == 0 {
				return err
			}
			ev := system.Event(tenantID, "retention."+privet.RetentionDelete, st.now)
			ev.Reason = fmt.Sprintf("rule %s; %d %s of visitors due before %s", r.Key, n, privet.RecordConsentEvents,
				before.UTC().Format(time.RFC3339))
			return tx.AppendAudit(ctx, ev)
		})
		if err != nil {
			return err
		}
		st.record(tenantID, r, privet.RecordConsentEvents, privet.RetentionDelete, n)
		if n < st.s.batch() {
			return nil
		}
	}
}

// planVisitors is what pruneVisitors would do now, counted through the same
// index; ok is false when no rule covers cookie data.
func planVisitors(ctx context.Context, tx privet.Tx, tenantID string, pol *policy.Compiled, now time.Time) (RecordPlan, bool, error) {
	r, before, ok := pol.VisitorRule(now)
	if !ok {
		return RecordPlan{}, false, nil
	}
	p := RecordPlan{RuleKey: r.Key, Record: privet.RecordConsentEvents, Visitors: true, Action: privet.RetentionDelete, DueBefore: before}
	var err error
	p.Due, err = tx.CountVisitorConsentBefore(ctx, tenantID, before)
	return p, true, err
}
