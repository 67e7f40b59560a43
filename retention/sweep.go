package retention

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/vault"
)

// Report is what a sweep did. It names subjects by id only.
type Report struct {
	Due        int `json:"due"`        // items found due
	Done       int `json:"done"`       // items acted on and removed from the schedule
	Erased     int `json:"erased"`     // subjects erased (nothing of them left to keep)
	Deleted    int `json:"deleted"`    // fields and identities deleted
	Anonymized int `json:"anonymized"` // values kept as counts of k or more
	Suppressed int `json:"suppressed"` // values dropped: their combination had fewer than k
	Aggregated int `json:"aggregated"` // values counted, then deleted
	Dropped    int `json:"dropped"`    // items of rules the policy no longer has, or of subjects gone
	// Held lists what legal holds kept, with the reason of each hold.
	Held []Held `json:"held,omitempty"`
	// Records is what rules over privet's own records did, per tenant,
	// rule and kind of record.
	Records []RecordReport `json:"records,omitempty"`
}

// Held is one item a hold kept.
type Held struct {
	SubjectID string `json:"subject_id"`
	RuleKey   string `json:"rule"`
	Category  string `json:"category,omitempty"` // "" when the whole subject is held
	HoldID    string `json:"hold_id"`
	Reason    string `json:"reason"`
}

// maxHeldReported bounds the report; counts past it are still in Due-Done.
const maxHeldReported = 1000

// Sweep acts on every item due at or before now, in batches of s.Batch, each
// batch in its own transaction, then on the records privet keeps itself that
// are due (see records). Cancelling ctx stops between statements; the
// next sweep finishes what is left and repeats nothing.
//
// Reading and writing overlap: while one batch is written, the next is read
// from a snapshot. A subject the writes touched since is read again before
// it is acted on, so a stale snapshot never decides anything.
func (s *Service) Sweep(ctx context.Context, now time.Time) (*Report, error) {
	rep := &Report{}
	st := &sweep{s: s, now: now, rep: rep, tenants: map[string]*tenantState{}}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Whatever ends the sweep, no destruction of keys outlives it.
	defer st.waitShred() //nolint:errcheck // an earlier error is returned; a later one is found by the next sweep
	batches := make(chan fetched, 1)
	go st.read(ctx, batches)
	for b := range batches {
		if b.err != nil {
			return rep, b.err
		}
		rep.Due += len(b.items)
		// A batch spans tenants in due order; each tenant's part is one
		// transaction under that tenant's policy.
		for start := 0; start < len(b.items); {
			end := start + 1
			for end < len(b.items) && b.items[end].TenantID == b.items[start].TenantID {
				end++
			}
			if err := st.apply(ctx, b.items[start].TenantID, b.items[start:end], b.subjects); err != nil {
				return rep, err
			}
			start = end
		}
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	if err := st.flush(ctx); err != nil {
		return rep, err
	}
	return rep, st.records(ctx)
}

// fetched is one batch read ahead: its items and their subjects.
type fetched struct {
	items    []privet.RetentionItem
	subjects map[string]*privet.Subject // by tenant and id
	err      error
}

func subjectKey(tenantID, id string) string { return tenantID + "\x00" + id }

// read sends batches of due items with their subjects until none is left,
// an error, or ctx ends; it closes out when done.
func (st *sweep) read(ctx context.Context, out chan<- fetched) {
	defer close(out)
	var cursor privet.RetentionCursor
	for {
		var b fetched
		b.err = st.s.Store.View(ctx, func(tx privet.Tx) (err error) {
			if b.items, err = tx.DueRetention(ctx, st.now, cursor, st.s.batch()); err != nil {
				return err
			}
			b.subjects, err = loadSubjects(ctx, tx, b.items)
			return err
		})
		if b.err == nil && len(b.items) == 0 {
			return
		}
		select {
		case out <- b:
		case <-ctx.Done():
			return
		}
		if b.err != nil {
			return
		}
		cursor = b.items[len(b.items)-1].Cursor()
	}
}

// loadSubjects reads the subjects of items, tenant by tenant.
func loadSubjects(ctx context.Context, tx privet.Tx, items []privet.RetentionItem) (map[string]*privet.Subject, error) {
	subs := make(map[string]*privet.Subject, len(items))
	for start := 0; start < len(items); {
		tenantID := items[start].TenantID
		var ids []string
		end := start
		for ; end < len(items) && items[end].TenantID == tenantID; end++ {
			if len(ids) == 0 || ids[len(ids)-1] != items[end].SubjectID {
				ids = append(ids, items[end].SubjectID)
			}
		}
		list, err := tx.SubjectsByID(ctx, tenantID, ids)
		if err != nil {
			return nil, err
		}
		for _, sub := range list {
			subs[subjectKey(tenantID, sub.ID)] = sub
		}
		start = end
	}
	return subs, nil
}

// sweep is one run's state: per-tenant policy, holds and kept counts are read
// once, so memory grows with tenants and holds, never with due items.
type sweep struct {
	s       *Service
	now     time.Time
	rep     *Report
	tenants map[string]*tenantState
	// touched are the subjects the last few batches wrote, which the batches
	// read ahead may hold stale; it is bounded by touchedBatches batches.
	touched []map[string]bool
	// pending are items of subjects erased and shredded, removed from the
	// schedule with the next batch's writes (or by flush).
	pending []privet.RetentionItem
	// shredding is the destruction of the last batch's keys, running while
	// the next batch is written (the key store is a database of its own);
	// nil when none runs.
	shredding *shredding
}

// shredding is one batch's keys being destroyed.
type shredding struct {
	tenantID string
	ids      []string
	items    []privet.RetentionItem // leave the schedule once the keys are gone
	done     chan error
}

// touchedBatches covers the batches the reader can be ahead of the writer:
// one in the channel, one being read.
const touchedBatches = 3

type tenantState struct {
	pol   *policy.Compiled
	holds []*privet.Hold
	// kept are the combinations already kept with k or more: one more
	// subject cannot make them identifying.
	kept map[string]bool
	// windDown is the rule of wind-down items: everything collected.
	windDown *policy.RetentionRule
}

func (st *sweep) tenant(ctx context.Context, tenantID string) (*tenantState, error) {
	if ts, ok := st.tenants[tenantID]; ok {
		return ts, nil
	}
	pol, err := st.s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	ts := &tenantState{pol: pol, kept: map[string]bool{}, windDown: windDownRule(pol)}
	err = st.s.Store.View(ctx, func(tx privet.Tx) error {
		if ts.holds, err = activeHolds(ctx, tx, tenantID, st.now); err != nil {
			return err
		}
		counts, err := tx.RetentionCounts(ctx, tenantID)
		for _, c := range counts {
			if c.Count >= int64(pol.K()) {
				ts.kept[c.RuleKey+"\x00"+c.Combination] = true
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	st.tenants[tenantID] = ts
	return ts, nil
}

// rule returns the policy's rule with key, or the wind-down rule.
func (ts *tenantState) rule(key string) (*policy.RetentionRule, bool) {
	if key == WindDownRule {
		return ts.windDown, true
	}
	return ts.pol.Rule(key)
}

// holdFor returns the hold that keeps the subject's category ("" for the
// subject as a whole), or nil.
func (ts *tenantState) holdFor(subjectID, category string) *privet.Hold {
	for _, h := range ts.holds {
		if h.Covers(subjectID, category) {
			return h
		}
	}
	return nil
}

// plan is what one due item does to one subject.
type plan struct {
	item       privet.RetentionItem
	rule       *policy.RetentionRule
	fields     []string          // field names to delete
	identities []privet.Identity // identities to remove
	categories []string          // categories touched, for the audit event
	values     map[string]string // anonymize: category -> value to keep
	erase      bool              // nothing of the subject is left afterwards
	// sealedFields are the fields the rule covers, as stored, for opening.
	sealedFields []privet.Field
}

func (st *sweep) apply(ctx context.Context, tenantID string, items []privet.RetentionItem, read map[string]*privet.Subject) error {
	ts, err := st.tenant(ctx, tenantID)
	if err != nil {
		return err
	}
	byID, err := st.fresh(ctx, tenantID, items, read)
	if err != nil {
		return err
	}

	var (
		plans    []*plan
		done     []privet.RetentionItem // acted on or moot: leave the schedule
		shredded []privet.RetentionItem // of erased subjects whose key may remain: leave after shredding
		toShred  idSet
	)
	var history []privet.RetentionItem // items of rules over consent history
	for _, it := range items {
		sub := byID[it.SubjectID]
		rule, ok := ts.rule(it.RuleKey)
		if ok && sub != nil && slices.Contains(rule.Records, privet.RecordConsentEvents) {
			// Consent history outlives erasure (it proves what was allowed),
			// so it is pruned whatever the subject's status.
			if h := ts.holdFor(sub.ID, ""); h != nil {
				st.held(sub.ID, it.RuleKey, "", h)
			} else {
				history = append(history, it)
			}
			continue
		}
		switch {
		case sub == nil || !ok:
			st.rep.Dropped++
			done = append(done, it)
			continue
		case sub.Status == privet.StatusErased:
			// Erased by an earlier batch or run: make sure the key is gone.
			shredded = append(shredded, it)
			toShred.add(sub.ID)
			continue
		}
		if h := ts.holdFor(sub.ID, ""); h != nil {
			st.held(sub.ID, it.RuleKey, "", h)
			continue
		}
		p := st.plan(ctx, ts, sub, it, rule)
		if p == nil {
			continue // held in part: kept whole until the hold ends
		}
		plans = append(plans, p)
	}
	emptied(plans, byID)
	if err := st.open(ctx, plans); err != nil {
		return err
	}
	counts := st.anonymize(ts, tenantID, plans)

	var erase idSet
	events := make([]*privet.AuditEvent, 0, len(plans))
	for _, p := range plans {
		ev := system.Event(tenantID, "retention."+p.rule.Action, st.now)
		ev.SubjectID, ev.Categories, ev.Reason = p.item.SubjectID, p.categories, "rule "+p.rule.Key
		if p.erase {
			ev.Reason += "; subject erased"
			erase.add(p.item.SubjectID)
			shredded = append(shredded, p.item)
			toShred.add(p.item.SubjectID)
		} else {
			done = append(done, p.item)
		}
		events = append(events, ev)
	}
	var pruned int
	for _, it := range history {
		rule, _ := ts.rule(it.RuleKey)
		ev := system.Event(tenantID, "retention."+rule.Action, st.now)
		ev.SubjectID, ev.Reason = it.SubjectID, "rule "+rule.Key+"; consent history: choices replaced by later ones"
		events = append(events, ev)
		done = append(done, it)
	}
	err = st.s.Store.Update(ctx, func(tx privet.Tx) (err error) {
		if pruned, err = tx.PruneConsentHistory(ctx, tenantID, itemSubjects(history)); err != nil {
			return err
		}
		for _, p := range plans {
			if p.erase {
				continue
			}
			if err := tx.DeleteFields(ctx, tenantID, p.item.SubjectID, p.fields); err != nil {
				return err
			}
			for _, id := range p.identities {
				if err := tx.RemoveIdentity(ctx, tenantID, p.item.SubjectID, id.Type, id.Index); err != nil && privet.ErrorCode(err) != privet.ENOTFOUND {
					return err
				}
			}
		}
		if err := tx.EraseSubjects(ctx, tenantID, erase.list, st.now); err != nil {
			return err
		}
		if err := tx.AddRetentionCounts(ctx, counts); err != nil {
			return err
		}
		if err := tx.AppendAudits(ctx, events); err != nil {
			return err
		}
		return tx.DoneRetention(ctx, append(done, st.pending...))
	})
	if err != nil {
		return err
	}
	st.rep.Done += len(st.pending)
	st.pending = st.pending[:0]
	if len(history) > 0 {
		// One statement prunes the batch: its count goes to the first rule
		// (a policy rarely has two over consent history).
		rule, _ := ts.rule(history[0].RuleKey)
		st.record(tenantID, rule, privet.RecordConsentEvents, rule.Action, pruned)
	}
	touched := make(map[string]bool, len(plans))
	for _, p := range plans {
		touched[subjectKey(tenantID, p.item.SubjectID)] = true
	}
	st.touched = append(st.touched, touched)
	if len(st.touched) > touchedBatches {
		st.touched = st.touched[1:]
	}
	for _, p := range plans {
		st.rep.Deleted += len(p.fields) + len(p.identities)
		if !p.erase {
			st.s.changed(tenantID, p.item.SubjectID)
		}
	}
	st.rep.Erased += len(erase.list)
	st.rep.Done += len(done)
	// The erasures are committed; now destroy the keys, then let the items
	// go. A crash in between leaves the items, and the next sweep finds their
	// subjects erased and only shreds again. The keys are destroyed while the
	// next batch is read and written; their items leave the schedule with
	// the batch after it is done.
	if err := st.waitShred(); err != nil {
		return err
	}
	st.startShred(ctx, tenantID, toShred.list, shredded)
	return nil
}

// startShred destroys the keys of ids in the background; waitShred waits
// for it. One runs at a time.
func (st *sweep) startShred(ctx context.Context, tenantID string, ids []string, items []privet.RetentionItem) {
	if len(ids) == 0 && len(items) == 0 {
		return
	}
	sh := &shredding{tenantID: tenantID, ids: ids, items: items, done: make(chan error, 1)}
	st.shredding = sh
	go func() { sh.done <- st.s.shred(ctx, tenantID, ids) }()
}

// waitShred waits for the keys being destroyed, if any; once they are gone
// their subjects' caches are told and their items are pending removal from
// the schedule.
func (st *sweep) waitShred() error {
	sh := st.shredding
	if sh == nil {
		return nil
	}
	st.shredding = nil
	if err := <-sh.done; err != nil {
		return err
	}
	for _, id := range sh.ids {
		st.s.changed(sh.tenantID, id)
	}
	st.pending = append(st.pending, sh.items...)
	return nil
}

// flush waits for the last keys to be destroyed and removes the last
// shredded items from the schedule.
func (st *sweep) flush(ctx context.Context) error {
	if err := st.waitShred(); err != nil {
		return err
	}
	if len(st.pending) == 0 {
		return nil
	}
	err := st.s.Store.Update(ctx, func(tx privet.Tx) error { return tx.DoneRetention(ctx, st.pending) })
	if err == nil {
		st.rep.Done += len(st.pending)
		st.pending = nil
	}
	return err
}

// fresh returns the items' subjects by id: as read ahead, except those a
// recent batch wrote, which are read again now that the write committed.
func (st *sweep) fresh(ctx context.Context, tenantID string, items []privet.RetentionItem, read map[string]*privet.Subject) (map[string]*privet.Subject, error) {
	byID := make(map[string]*privet.Subject, len(items))
	var stale []string
	for _, it := range items {
		k := subjectKey(tenantID, it.SubjectID)
		if st.wasTouched(k) {
			if len(stale) == 0 || stale[len(stale)-1] != it.SubjectID {
				stale = append(stale, it.SubjectID)
			}
			continue
		}
		if sub := read[k]; sub != nil {
			byID[it.SubjectID] = sub
		}
	}
	if len(stale) == 0 {
		return byID, nil
	}
	err := st.s.Store.View(ctx, func(tx privet.Tx) error {
		subs, err := tx.SubjectsByID(ctx, tenantID, stale)
		for _, sub := range subs {
			byID[sub.ID] = sub
		}
		return err
	})
	return byID, err
}

func (st *sweep) wasTouched(key string) bool {
	for _, t := range st.touched {
		if t[key] {
			return true
		}
	}
	return false
}

// itemSubjects lists the items' subjects, without repeats.
func itemSubjects(items []privet.RetentionItem) []string {
	var ids idSet
	for _, it := range items {
		ids.add(it.SubjectID)
	}
	return ids.list
}

// idSet is a list of ids without repeats, in first-seen order.
type idSet struct {
	list []string
	seen map[string]bool
}

func (s *idSet) add(id string) {
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	if !s.seen[id] {
		s.seen[id] = true
		s.list = append(s.list, id)
	}
}

func (st *sweep) held(subjectID, ruleKey, category string, h *privet.Hold) {
	if len(st.rep.Held) < maxHeldReported {
		st.rep.Held = append(st.rep.Held, Held{SubjectID: subjectID, RuleKey: ruleKey, Category: category, HoldID: h.ID, Reason: h.Reason})
	}
}

// emptied marks for erasure the plans of a subject that several rules act
// on in the same batch and that together leave nothing of it: each plan was
// decided on the subject as read, before the others acted, so none of them
// alone sees it emptied.
func emptied(plans []*plan, subs map[string]*privet.Subject) {
	removed := map[string]map[string]bool{}
	for _, p := range plans {
		r := removed[p.item.SubjectID]
		if r == nil {
			r = map[string]bool{}
			removed[p.item.SubjectID] = r
		}
		for _, f := range p.fields {
			r["field "+f] = true
		}
		for _, id := range p.identities {
			r[fmt.Sprintf("identity %s %x", id.Type, id.Index)] = true
		}
	}
	for _, p := range plans {
		if sub := subs[p.item.SubjectID]; sub != nil && len(removed[sub.ID]) == len(sub.Fields)+len(sub.Identities) {
			p.erase = true
		}
	}
}

// plan decides what the rule does to the subject. Data a category hold
// covers stays, and so does the rest of what the rule covers until the
// hold ends: the item stays scheduled (nil plan).
func (st *sweep) plan(_ context.Context, ts *tenantState, sub *privet.Subject, it privet.RetentionItem, rule *policy.RetentionRule) *plan {
	p := &plan{item: it, rule: rule}
	var heldAny bool
	cats := map[string]bool{}
	keep := 0
	for _, f := range sub.Fields {
		if !ts.pol.RuleCovers(rule, f.Category) {
			keep++
			continue
		}
		if h := ts.holdFor(sub.ID, f.Category); h != nil {
			st.held(sub.ID, rule.Key, f.Category, h)
			heldAny = true
			continue
		}
		p.fields = append(p.fields, f.Name)
		p.sealedFields = append(p.sealedFields, f)
		cats[f.Category] = true
	}
	for _, id := range sub.Identities {
		cat := vault.IdentityCategory(id.Type)
		if !ts.pol.RuleCovers(rule, cat) {
			keep++
			continue
		}
		if h := ts.holdFor(sub.ID, cat); h != nil {
			st.held(sub.ID, rule.Key, cat, h)
			heldAny = true
			continue
		}
		p.identities = append(p.identities, id)
		cats[cat] = true
	}
	if heldAny {
		return nil
	}
	for c := range cats {
		p.categories = append(p.categories, c)
	}
	slices.Sort(p.categories)
	// Nothing left once the rule has acted: the subject is erased and its
	// key destroyed, leaving only the pseudonymous id.
	p.erase = keep == 0
	return p
}
