package retention

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// Anonymization keeps no row per subject. What an anonymizing rule keeps is
// a count per combination of kept values (the categories the policy lists
// under retention.keep_anonymized, e.g. a country), in retention_counts,
// without any subject id; the subject's own copy of every covered value is
// deleted, and the subject erased once nothing is left. A combination is
// kept only when at least k subjects share it: k or more in the batch at
// hand, or already kept with k or more before (one more member cannot single
// anyone out). Otherwise its values are dropped and only Suppressed counts
// them. Nothing links a count back to a subject, so it cannot be undone.
//
// An aggregating rule keeps even less: the number of values of each category
// it deleted.

// open reads the values anonymizing plans keep, before the keys go.
func (st *sweep) open(ctx context.Context, plans []*plan) error {
	for _, p := range plans {
		if p.rule.Action != policy.ActionAnonymize || st.s.Vault == nil {
			continue
		}
		ts := st.tenants[p.item.TenantID]
		var names []string
		cats := map[string]string{}
		for _, name := range p.fields {
			cat := fieldCategory(st, p, name)
			if ts.pol.KeptAnonymized(cat) {
				names = append(names, name)
				cats[name] = cat
			}
		}
		if len(names) == 0 {
			continue
		}
		sub := &privet.Subject{ID: p.item.SubjectID, TenantID: p.item.TenantID, Fields: p.sealed(names)}
		values, err := st.s.Vault.OpenFields(ctx, sub, names)
		if privet.ErrorCode(err) == privet.ENOTFOUND {
			continue // key already destroyed: nothing can be kept
		}
		if err != nil {
			return err
		}
		p.values = map[string]string{}
		for name, v := range values {
			p.values[cats[name]] = v
		}
	}
	return nil
}

func fieldCategory(_ *sweep, p *plan, name string) string {
	for _, f := range p.sealedFields {
		if f.Name == name {
			return f.Category
		}
	}
	return ""
}

// sealed returns the subject's stored fields with those names.
func (p *plan) sealed(names []string) []privet.Field {
	var out []privet.Field
	for _, f := range p.sealedFields {
		if slices.Contains(names, f.Name) {
			out = append(out, f)
		}
	}
	return out
}

// combination is the canonical JSON of kept values: keys sorted (as
// encoding/json sorts map keys), so equal combinations are equal strings.
func combination(values map[string]string) string {
	b, _ := json.Marshal(values) // a map of strings always encodes
	return string(b)
}

// anonymize turns the plans' kept values into counts, dropping every
// combination fewer than k subjects share.
func (st *sweep) anonymize(ts *tenantState, tenantID string, plans []*plan) []privet.RetentionCount {
	type key struct{ rule, combo string }
	groups := map[key]int64{}
	var order []key
	add := func(k key, n int64) {
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] += n
	}
	for _, p := range plans {
		switch p.rule.Action {
		case policy.ActionAnonymize:
			if len(p.values) > 0 {
				add(key{p.rule.Key, combination(p.values)}, 1)
			}
		case policy.ActionAggregate:
			for _, c := range p.categories {
				add(key{p.rule.Key, combination(map[string]string{c: ""})}, 1)
				st.rep.Aggregated++
			}
		}
	}
	k := int64(ts.pol.K())
	var counts []privet.RetentionCount
	for _, g := range order {
		n := groups[g]
		rule, _ := ts.rule(g.rule)
		if rule.Action == policy.ActionAnonymize && n < k && !ts.kept[g.rule+"\x00"+g.combo] {
			st.rep.Suppressed += int(n)
			continue
		}
		if rule.Action == policy.ActionAnonymize {
			st.rep.Anonymized += int(n)
			ts.kept[g.rule+"\x00"+g.combo] = true
		}
		counts = append(counts, privet.RetentionCount{TenantID: tenantID, RuleKey: g.rule, Combination: g.combo, Count: n})
	}
	return counts
}
