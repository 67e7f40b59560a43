package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/privet-dev/privet/deadline"
)

// contradictions reports two rules that start from the same trigger for the
// same data yet disagree on what happens or when: the engine could not tell
// which promise to keep. Data is the same when one rule's category is the
// other's or sits under it, or when both name the same purpose.
func (v *validator) contradictions(periods []deadline.Period) {
	rules := v.p.Retention.Rules
	for j := range rules {
		for i := range j {
			a, b := rules[i], rules[j]
			if a.Trigger == "" || a.Trigger != b.Trigger || (a.Action == b.Action && periods[i] == periods[j]) {
				continue
			}
			if what, ok := overlap(a, b); ok {
				v.add(fmt.Sprintf("retention.rules[%d]", j),
					"contradicts retention.rules[%d]: both cover %q after %s but say %s %s and %s %s",
					i, what, a.Trigger, a.Action, periods[i], b.Action, periods[j])
			}
		}
	}
}

// overlap returns the first category or purpose both rules cover.
func overlap(a, b RetentionRule) (string, bool) {
	for _, cb := range b.Categories {
		for _, ca := range a.Categories {
			if underKey(cb, ca) || underKey(ca, cb) {
				return cb, true
			}
		}
	}
	for _, pb := range b.Purposes {
		if slices.Contains(a.Purposes, pb) {
			return pb, true
		}
	}
	for _, rb := range b.Records {
		if slices.Contains(a.Records, rb) {
			return rb, true
		}
	}
	return "", false
}

// firable reports a rule whose trigger can never happen to what it covers,
// a promise privet would silently never keep.
func (v *validator) firable(i int) {
	r := v.p.Retention.Rules[i]
	path := fmt.Sprintf("retention.rules[%d]", i)
	subjectData := len(r.Categories)+len(r.Purposes) > 0
	switch r.Trigger {
	case TriggerConsentWithdrawn:
		// Only a purpose people can refuse has consent to withdraw.
		for j, pk := range r.Purposes {
			if _, ok := v.c.purposes[pk]; ok && !v.refusable(pk) {
				v.add(fmt.Sprintf("%s.purposes[%d]", path, j),
					"trigger consent_withdrawn can never fire: purpose %q has no opt_in or opt_out mechanism in any jurisdiction", clip(pk))
			}
		}
		if len(r.Purposes) == 0 && len(r.Categories) > 0 && !v.anyRefusableReads(r.Categories) {
			v.add(path+".trigger", "consent_withdrawn can never fire: no purpose with an opt_in or opt_out mechanism reads these categories")
		}
	}
	if len(r.Records) > 0 && subjectData {
		v.add(path+".records", "a rule covers records or subject data, not both: split it in two")
	}
	for j, rec := range r.Records {
		kind, ok := recordKinds[rec]
		if !ok || r.Trigger == TriggerRequestCompleted {
			continue // unknown records are reported once, by the enum check; request records below
		}
		if r.Trigger != "" && inEnum("trigger", r.Trigger) && !slices.Contains(kind.triggers, r.Trigger) {
			v.add(fmt.Sprintf("%s.records[%d]", path, j), "trigger %s cannot apply to %s: it is started by %s", r.Trigger, rec, strings.Join(kind.triggers, ", "))
		}
		v.recordAction(fmt.Sprintf("%s.records[%d]", path, j), rec, r.Action)
	}
	switch r.Trigger {
	case TriggerRequestCompleted:
		if subjectData {
			v.add(path+".trigger", "request_completed starts only records (export_packages, closed_requests), not categories or purposes")
		}
		for j, rec := range r.Records {
			if rec != "export_packages" && rec != "closed_requests" {
				v.add(fmt.Sprintf("%s.records[%d]", path, j), "%q is not a request record: request_completed starts only export_packages and closed_requests", clip(rec))
			} else {
				v.recordAction(fmt.Sprintf("%s.records[%d]", path, j), rec, r.Action)
			}
		}
	}
}

// recordAction reports an action that cannot happen to a kind of record
// (an export package cannot be anonymized: it is deleted or kept).
func (v *validator) recordAction(path, record, action string) {
	kind := recordKinds[record]
	if action != "" && inEnum("action", action) && !slices.Contains(kind.actions, action) {
		v.add(path, "%s cannot be %sd: only %s", record, action, strings.Join(kind.actions, ", "))
	}
}

// refusable reports whether purpose has an opt_in or opt_out mechanism in a
// served or named jurisdiction.
func (v *validator) refusable(purpose string) bool {
	p := v.c.purposes[purpose]
	for _, place := range v.servedAndNamed(p) {
		if m := v.c.Mechanism(purpose, place); m == OptIn || m == OptOut {
			return true
		}
	}
	return false
}

func (v *validator) anyRefusableReads(categories []string) bool {
	for _, p := range v.p.Purposes {
		if _, ok := v.c.purposes[p.Key]; !ok || !v.refusable(p.Key) {
			continue
		}
		for _, cat := range categories {
			for _, read := range p.Categories {
				if underKey(cat, read) || underKey(read, cat) {
					return true
				}
			}
		}
	}
	return false
}
