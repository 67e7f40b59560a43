package policy_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet/policy"
)

// TestRetentionProblems checks every refusal of testdata/bad/retention.yaml at
// its line and column, and that nothing else is reported.
func TestRetentionProblems(t *testing.T) {
	_, err := policy.Load("testdata/bad/retention.yaml")
	var ps *policy.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Load = %v, want problems", err)
	}
	want := []string{
		`34:7: retention.rules[1]: contradicts retention.rules[0]: both cover "user.contact.email" after account_closed but say delete 180d and anonymize 30d`,
		`40:18: retention.rules[2].purposes[0]: trigger consent_withdrawn can never fire: purpose "essential.service" has no opt_in or opt_out mechanism`,
		`46:16: retention.rules[3].trigger: consent_withdrawn can never fire: no purpose with an opt_in or opt_out mechanism reads these categories`,
		`51:16: retention.rules[4].trigger: request_completed starts only records`,
		`55:17: retention.rules[5].records[0]: "audit_events" is not a request record`,
		`62:15: retention.rules[6].period: 8y is longer than retention.ceiling 7y`,
		`63:15: retention.rules[6].action: "frobnicate" is not one of delete, anonymize, aggregate`,
		`69:7: retention.rules[8]: contradicts retention.rules[7]: both cover "analytics.reporting" after consent_withdrawn but say delete 30d and delete 60d`,
		`75:17: retention.rules[9].records[0]: trigger account_closed cannot apply to audit_events: it is started by collected`,
		`80:17: retention.rules[10].records[0]: export_packages cannot be anonymized: only delete`,
		`86:16: retention.rules[11].records: a rule covers records or subject data, not both`,
	}
	var got []string
	for _, p := range ps.List {
		got = append(got, p.String())
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
			t.Errorf("missing problem %q", w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
}

func TestRetentionAccessors(t *testing.T) {
	c, err := policy.Load("../examples/cipo-cloud/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	keys := func(rules []policy.RetentionRule) []string {
		var k []string
		for _, r := range rules {
			k = append(k, r.Key)
		}
		return k
	}
	if got := keys(c.RulesFor(policy.TriggerAccountClosed)); !slices.Equal(got, []string{"account_data", "consent_history"}) {
		t.Errorf("RulesFor(account_closed) = %v", got)
	}
	if got := keys(c.RulesForCategory("user.contact.email", policy.TriggerAccountClosed)); !slices.Equal(got, []string{"account_data"}) {
		t.Errorf("RulesForCategory(email, account_closed) = %v", got)
	}
	if got := keys(c.RulesForCategory("user.contact.email", policy.TriggerCollected)); got != nil {
		t.Errorf("RulesForCategory(email, collected) = %v", got)
	}
	if got := keys(c.RulesForPurpose("marketing.communications.email", policy.TriggerLastActivity)); !slices.Contains(got, "non_customer_marketing") {
		t.Errorf("RulesForPurpose(marketing email, last_activity) = %v", got)
	}
	r, ok := c.Rule("account_data")
	if !ok {
		t.Fatal("Rule(account_data) not found")
	}
	closed := time.Date(2025, 1, 10, 12, 0, 0, 0, time.UTC)
	if got, want := c.Due(r, closed), closed.AddDate(0, 0, 180); !got.Equal(want) {
		t.Errorf("Due = %v, want %v", got, want)
	}
	if !c.RuleCovers(r, "user.contact.email") || c.RuleCovers(r, "user.location.coarse") {
		t.Error("RuleCovers: account_data covers email and not location")
	}
	if !c.KeptAnonymized("user.location.coarse") || c.KeptAnonymized("user.contact.email") {
		t.Error("KeptAnonymized: coarse location only")
	}
	if c.K() != policy.DefaultK {
		t.Errorf("K = %d, want the default %d", c.K(), policy.DefaultK)
	}
	if _, ok := c.Rule("nope"); ok {
		t.Error("Rule(nope) found")
	}
}

// TestDueCappedByCeiling: a policy built in code (not validated) cannot keep
// data past its ceiling.
func TestDueCappedByCeiling(t *testing.T) {
	c, err := policy.Load("../examples/cipo-cloud/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := policy.RetentionRule{Key: "x", Period: "9y", Ceiling: "7y"}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if got, want := c.Due(&r, t0), t0.AddDate(7, 0, 0); !got.Equal(want) {
		t.Errorf("Due = %v, want %v", got, want)
	}
}

// TestCutoffInvertsDue: records from a second before the cutoff are due now,
// records from the cutoff on are not, for periods in days, months and years,
// across month ends and leap days.
func TestCutoffInvertsDue(t *testing.T) {
	c, err := policy.Load("../examples/cipo-cloud/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"access_packages", "request_records", "audit_log"} {
		r, ok := c.Rule(key)
		if !ok {
			t.Fatalf("no rule %s", key)
		}
		for _, now := range []time.Time{
			time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC),
			time.Date(2032, 2, 29, 23, 59, 59, 0, time.UTC),
			time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC),
		} {
			cut := c.Cutoff(r, now)
			if prev := cut.Add(-time.Second); c.Due(r, prev).After(now) {
				t.Errorf("%s at %v: a second before the cutoff (%v) is not due (due %v)", key, now, prev, c.Due(r, prev))
			}
			if !c.Due(r, cut).After(now) {
				t.Errorf("%s at %v: the cutoff %v is due already", key, now, cut)
			}
		}
	}
}

// TestVisitorRule: visitors' consent events fall under the collected rules
// that cover the cookie id, directly or through an ancestor; the shortest
// wins, and the cached cutoff agrees with it at every instant of a second.
func TestVisitorRule(t *testing.T) {
	c, err := policy.Load("../examples/cipo-cloud/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC)
	r, cut, ok := c.VisitorRule(now)
	if !ok || r.Key != "usage_data" || !cut.Equal(time.Date(2029, 3, 1, 10, 0, 1, 0, time.UTC)) {
		t.Fatalf("VisitorRule = %v, %v, %v; want usage_data from 2029-03-01T10:00:01Z", r, cut, ok)
	}
	for _, d := range []time.Duration{0, time.Nanosecond, 999 * time.Millisecond} {
		if got := c.VisitorCutoff(now.Add(d)); got != cut.UnixNano() {
			t.Errorf("VisitorCutoff(now+%v) = %v, want %v", d, time.Unix(0, got).UTC(), cut)
		}
	}

	// A shorter rule over an ancestor wins; one with another trigger, or
	// over another category, does not count.
	rules := c.Policy.Retention.Rules
	c.Policy.Retention.Rules = append(append([]policy.RetentionRule{}, rules...),
		policy.RetentionRule{Key: "devices", Categories: []string{"user.device"}, Trigger: policy.TriggerCollected, Period: "13m", Action: policy.ActionDelete},
		policy.RetentionRule{Key: "closing", Categories: []string{"user.device.cookie_id"}, Trigger: policy.TriggerAccountClosed, Period: "1d", Action: policy.ActionDelete},
		policy.RetentionRule{Key: "names", Categories: []string{"user.name"}, Trigger: policy.TriggerCollected, Period: "1d", Action: policy.ActionDelete})
	if r, cut, ok := c.VisitorRule(now); !ok || r.Key != "devices" || !cut.Equal(time.Date(2030, 2, 1, 10, 0, 1, 0, time.UTC)) {
		t.Errorf("with a 13-month rule over user.device: %v, %v, %v; want devices from 2030-02-01T10:00:01Z", r, cut, ok)
	}

	// Without a rule over cookie data, visitors' events are kept.
	var none []policy.RetentionRule
	for _, r := range rules {
		if r.Key != "usage_data" {
			none = append(none, r)
		}
	}
	c.Policy.Retention.Rules = none
	if _, _, ok := c.VisitorRule(now); ok {
		t.Error("VisitorRule found a rule in a policy with none over cookie data")
	}
}
