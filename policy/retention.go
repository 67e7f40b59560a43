package policy

import (
	"slices"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/deadline"
)

// Retention triggers: the events after which a rule's period runs.
const (
	TriggerCollected        = "collected"
	TriggerLastActivity     = "last_activity"
	TriggerAccountClosed    = "account_closed"
	TriggerConsentWithdrawn = "consent_withdrawn"
	TriggerRelationshipEnd  = "relationship_ended"
	TriggerRequestCompleted = "request_completed"
)

// Retention actions.
const (
	ActionDelete    = privet.RetentionDelete
	ActionAnonymize = privet.RetentionAnonymize
	ActionAggregate = privet.RetentionAggregate
)

// Records privet keeps itself, which a rule may cover instead of subject
// data (RetentionRule.Records).
const (
	RecordConsentEvents  = privet.RecordConsentEvents
	RecordAuditEvents    = privet.RecordAuditEvents
	RecordExportPackages = privet.RecordExportPackages
	RecordClosedRequests = privet.RecordClosedRequests
)

// recordKind is what can happen to one kind of record, and after what.
type recordKind struct {
	triggers []string
	actions  []string
}

// recordKinds says which triggers and actions apply to each record. Consent
// events belong to a subject, so the subject's own triggers start them; the
// others are swept tenant-wide from their own time: an audit event from when
// it was written, a package from its creation, a request from its completion.
var recordKinds = map[string]recordKind{
	RecordConsentEvents:  {triggers: []string{TriggerAccountClosed, TriggerRelationshipEnd, TriggerLastActivity, TriggerConsentWithdrawn}, actions: []string{ActionDelete}},
	RecordAuditEvents:    {triggers: []string{TriggerCollected}, actions: []string{ActionDelete}},
	RecordExportPackages: {triggers: []string{TriggerCollected, TriggerRequestCompleted}, actions: []string{ActionDelete}},
	RecordClosedRequests: {triggers: []string{TriggerRequestCompleted}, actions: []string{ActionDelete, ActionAnonymize}},
}

// PerSubject reports whether the rule acts subject by subject, scheduled
// when its trigger happens to a subject: rules over subject data, and rules
// over consent events (a subject's consent history). The other records are
// swept tenant-wide by their own time.
func (r *RetentionRule) PerSubject() bool {
	return len(r.Categories)+len(r.Purposes) > 0 || slices.Contains(r.Records, RecordConsentEvents)
}

// RecordRules returns the rules over records swept tenant-wide (audit
// events, export packages, closed requests), in policy order.
func (c *Compiled) RecordRules() []RetentionRule {
	var rules []RetentionRule
	for _, r := range c.Policy.Retention.Rules {
		if len(r.Records) > 0 && !r.PerSubject() {
			rules = append(rules, r)
		}
	}
	return rules
}

// Cutoff returns the first trigger time, to the second, whose period under
// r has not ended by now: records of r from before it are due. It inverts
// Due by search, because calendar months have no exact inverse.
func (c *Compiled) Cutoff(r *RetentionRule, now time.Time) time.Time {
	// Due(t) is non-decreasing in t and Due(t) >= t, so the cutoff lies in
	// [now - (Due(now)-now) - 1 day, now].
	lo, hi := now.Add(-c.Due(r, now).Sub(now)-48*time.Hour), now
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2)
		if c.Due(r, mid).After(now) {
			hi = mid
		} else {
			lo = mid
		}
	}
	// Whole seconds: the first one whose period has not ended.
	cut := lo.Truncate(time.Second)
	for !c.Due(r, cut).After(now) {
		cut = cut.Add(time.Second)
	}
	return cut
}

// DefaultK is the smallest group an anonymized combination is kept for when
// the policy does not say.
const DefaultK = 5

// Rule returns the retention rule with key.
func (c *Compiled) Rule(key string) (*RetentionRule, bool) {
	for i := range c.Policy.Retention.Rules {
		if c.Policy.Retention.Rules[i].Key == key {
			return &c.Policy.Retention.Rules[i], true
		}
	}
	return nil, false
}

// RulesFor returns the rules started by trigger, in policy order.
func (c *Compiled) RulesFor(trigger string) []RetentionRule {
	var rules []RetentionRule
	for _, r := range c.Policy.Retention.Rules {
		if r.Trigger == trigger {
			rules = append(rules, r)
		}
	}
	return rules
}

// RulesForCategory returns the rules started by trigger that cover category.
func (c *Compiled) RulesForCategory(category, trigger string) []RetentionRule {
	var rules []RetentionRule
	for _, r := range c.RulesFor(trigger) {
		if c.ruleCovers(r, category) {
			rules = append(rules, r)
		}
	}
	return rules
}

// RulesForPurpose returns the rules started by trigger that name purpose or
// cover a category the purpose reads, and those over consent history:
// withdrawing consent to a purpose starts them all.
func (c *Compiled) RulesForPurpose(purpose, trigger string) []RetentionRule {
	p, ok := c.purposes[purpose]
	if !ok {
		return nil
	}
	var rules []RetentionRule
	for _, r := range c.RulesFor(trigger) {
		if slices.Contains(r.Purposes, purpose) || slices.Contains(r.Records, RecordConsentEvents) || slices.ContainsFunc(p.Categories, func(cat string) bool { return c.ruleCovers(r, cat) }) {
			rules = append(rules, r)
		}
	}
	return rules
}

// RuleCovers reports whether the rule applies to a subject's field of
// category: the rule lists it or an ancestor, or names a purpose that reads it.
func (c *Compiled) RuleCovers(r *RetentionRule, category string) bool {
	for _, k := range r.Categories {
		if underKey(category, k) {
			return true
		}
	}
	for _, p := range r.Purposes {
		if c.MayRead(p, category) {
			return true
		}
	}
	return false
}

// Due returns when a rule's period ends for a trigger at t. The period is
// capped by the rule's ceiling and the policy's ceiling (validation rejects a
// period longer than either, so the cap only guards policies built in code).
func (c *Compiled) Due(r *RetentionRule, t time.Time) time.Time {
	due := t
	if p, err := deadline.ParsePeriod(r.Period); err == nil {
		due = deadline.Add(t, p, nil)
	}
	for _, ceiling := range []string{r.Ceiling, c.Policy.Retention.Ceiling} {
		if p, err := deadline.ParsePeriod(ceiling); err == nil && ceiling != "" {
			if cap := deadline.Add(t, p, nil); cap.Before(due) {
				due = cap
			}
		}
	}
	return due
}

// K is the smallest group size an anonymized combination is kept for.
func (c *Compiled) K() int {
	if c.Policy.Retention.K >= 2 {
		return c.Policy.Retention.K
	}
	return DefaultK
}

// KeptAnonymized reports whether category is safe to keep after
// anonymization: it, or an ancestor, is listed under retention.keep_anonymized.
func (c *Compiled) KeptAnonymized(category string) bool {
	for _, k := range c.Policy.Retention.KeepAnonymized {
		if underKey(category, k) {
			return true
		}
	}
	return false
}

// CookieCategory is the category of a visitor's cookie id: a consent event
// that names a visitor and no subject is cookie data, kept under the rules
// that cover it.
const CookieCategory = "user.device.cookie_id"

// VisitorRule returns the rule that caps how long the consent events of
// visitors (known by a cookie id alone, never linked to a subject) are
// kept: of the rules triggered by collection that cover CookieCategory, the
// one whose period ends first for an event at now's cutoff, that is, the
// latest cutoff; the first in policy order on a tie. ok is false when no
// rule covers cookie data: visitors' events are then kept. Days are counted
// in UTC, so every server and the sweep agree on the cutoff.
func (c *Compiled) VisitorRule(now time.Time) (rule *RetentionRule, cutoff time.Time, ok bool) {
	now = now.UTC()
	for i := range c.Policy.Retention.Rules {
		r := &c.Policy.Retention.Rules[i]
		if r.Trigger != TriggerCollected || !c.RuleCovers(r, CookieCategory) {
			continue
		}
		if cut := c.Cutoff(r, now); !ok || cut.After(cutoff) {
			rule, cutoff, ok = r, cut, true
		}
	}
	return rule, cutoff, ok
}

// visitorCut is VisitorRule's cutoff for one second of now.
type visitorCut struct {
	policy *Policy // the policy it was computed from (tests swap it)
	second int64   // Unix seconds of the now it was computed for
	cutoff int64   // Unix nanoseconds; 0 when no rule caps visitors' events
}

// VisitorCutoff returns, in Unix nanoseconds, VisitorRule's cutoff at now:
// a visitor's consent event from before it is due for deletion, and counts
// as absent when deciding. 0 when no rule covers cookie data. It is
// computed once per second of now and read without allocating, for the
// decision path. The cutoff is a whole second and every period ends on a
// whole second after a whole-second trigger, so the cutoff for any instant
// within a second is that of the second itself.
func (c *Compiled) VisitorCutoff(now time.Time) int64 {
	sec := now.Unix()
	if v := c.visitorCut.Load(); v != nil && v.second == sec && v.policy == c.Policy {
		return v.cutoff
	}
	v := &visitorCut{policy: c.Policy, second: sec}
	if _, cut, ok := c.VisitorRule(time.Unix(sec, 0).UTC()); ok {
		v.cutoff = cut.UnixNano()
	}
	c.visitorCut.Store(v)
	return v.cutoff
}
