package policy_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLoadGoodPolicies(t *testing.T) {
	paths, _ := filepath.Glob("testdata/*.yaml")
	if len(paths) < 2 {
		t.Fatalf("found %d test policies", len(paths))
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			c, err := policy.Load(path)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if len(c.Hash) != 64 || c.Effective.IsZero() || c.Taxonomy == nil {
				t.Errorf("Compiled not filled in: hash %q effective %v", c.Hash, c.Effective)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := policy.Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if got := privet.ErrorCode(err); got != privet.ENOTFOUND {
		t.Fatalf("code = %q, want %q (%v)", got, privet.ENOTFOUND, err)
	}
}

// edit returns the minimal policy with old replaced by new, failing the test
// if old is not there (so a case cannot silently test the valid policy).
func edit(t *testing.T, base, old, new string) string {
	t.Helper()
	if !strings.Contains(base, old) {
		t.Fatalf("test policy does not contain %q", old)
	}
	return strings.Replace(base, old, new, 1)
}

func TestParseRejectsBadPolicies(t *testing.T) {
	base := readTestdata(t, "minimal.yaml")
	tests := []struct {
		name string
		old  string // replaced in minimal.yaml by new
		new  string
		want []string // each must appear in the error message
	}{
		{"unknown top-level key", "role: controller\n", "role: controller\nrol: x\n",
			[]string{`p.yaml:8:1: rol: unknown field "rol" (did you mean "role"?)`}},
		{"unknown nested key", "  email: privacy@minimal.test\n", "  email: privacy@minimal.test\n  emial: x\n",
			[]string{`p.yaml:7:3: controller.emial: unknown field "emial"`}},
		{"duplicate key", "service: Minimal\n", "service: Minimal\nservice: Again\n",
			[]string{`p.yaml:4:1: service: duplicate key (first at line 3, column 1)`}},
		{"wrong type", "  minimum_age: 16\n", "  minimum_age: sixteen\n",
			[]string{`p.yaml:25:16: children.minimum_age: want a whole number, got "sixteen"`}},
		{"list instead of string", "service: Minimal\n", "service: [a, b]\n",
			[]string{`p.yaml:3:10: service: want a string, got a list`}},
		{"missing required", "service: Minimal\n", "",
			[]string{`p.yaml:1:1: service: is required`}},
		{"bad role", "role: controller\n", "role: owner\n",
			[]string{`p.yaml:7:7: role: "owner" is not one of controller, processor`}},
		{"processor without clients", "role: controller\n", "role: processor\n",
			[]string{`p.yaml:1:1: clients: a processor must list the clients`}},
		{"unknown jurisdiction", "jurisdictions: [EU, US]", "jurisdictions: [EU, XX-YYYY]",
			[]string{`p.yaml:8:21: jurisdictions[1]: unknown jurisdiction "XX-YYYY"`}},
		{"unknown category", "  - key: user.contact.email\n    sources", "  - key: user.contact.mail\n    sources",
			[]string{`p.yaml:10:10: categories[0].key: unknown data category "user.contact.mail"`}},
		{"required category collected only automatically", "sources: [subject]", "sources: [automatic]\n    required: true",
			[]string{`p.yaml:12:15: categories[0].required: a required category must be given when a subject is created`}},
		{"tracking without honour_dnt", `basis: {"*": contract}`, "basis: {\"*\": contract}\n    tracking: true",
			[]string{`p.yaml:17:15: purposes[0].tracking: a Do Not Track signal stops tracking purposes only where the policy says honour_dnt: true`}},
		{"bad source", "sources: [subject]", "sources: [subjekt]",
			[]string{`p.yaml:11:15: categories[0].sources[0]: "subjekt" is not one of subject`}},
		{"unknown purpose", "key: essential.service\n", "key: essential.servise\n",
			[]string{`p.yaml:13:10: purposes[0].key: unknown purpose "essential.servise"`}},
		{"purpose reads a category not collected", "    categories: [user.contact.email]\n    basis",
			"    categories: [user.contact.email, user.name]\n    basis",
			[]string{`p.yaml:15:38: purposes[0].categories[1]: data category "user.name" is not collected`}},
		{"no basis for a served jurisdiction", `basis: {"*": contract}`, `basis: {EU: contract}`,
			[]string{`p.yaml:16:12: purposes[0].basis: no lawful basis for US (jurisdictions[1])`}},
		{"bad basis", `basis: {"*": contract}`, `basis: {"*": contrakt}`,
			[]string{`p.yaml:16:18: purposes[0].basis.*: "contrakt" is not one of consent, contract`}},
		{"consent without withdrawal", `basis: {"*": contract}`, `basis: {"*": consent}`,
			[]string{`p.yaml:13:5: purposes[0].withdraw: the purpose is opt_in in EU`}},
		{"opt-out without withdrawal", `basis: {"*": contract}`, "basis: {\"*\": legitimate_interests}\n    consent: {US: opt_out}",
			[]string{`purposes[0].withdraw: the purpose is opt_out in US`}},
		{"consent basis with notice", `basis: {"*": contract}`, "basis: {\"*\": consent}\n    consent: {\"*\": notice}\n    withdraw: [email]",
			[]string{`p.yaml:17:14: purposes[0].consent: basis is consent in EU, so the mechanism there must be opt_in or opt_out`}},
		{"retention over the ceiling", "retention:\n", "retention:\n  ceiling: 7y\n",
			nil},
		{"rule longer than the ceiling", "retention:\n  rules:\n", "retention:\n  ceiling: 20d\n  rules:\n",
			[]string{`p.yaml:23:15: retention.rules[0].period: 30d is longer than retention.ceiling 20d`}},
		{"rule longer than its own ceiling", "      period: 30d\n", "      period: 30d\n      ceiling: 4w\n",
			[]string{`p.yaml:22:15: retention.rules[0].period: 30d is longer than the rule's ceiling 4w`}},
		{"bad period", "period: 30d", "period: 30 days",
			[]string{`p.yaml:22:15: retention.rules[0].period: invalid period "30 days"`}},
		{"rule covering nothing", "      categories: [user.contact.email]\n      trigger", "      trigger",
			[]string{`p.yaml:19:7: retention.rules[0]: the rule covers nothing`}},
		{"contradictory rules", "      action: delete\n", "      action: delete\n    - key: again\n      categories: [user.contact.email]\n      trigger: account_closed\n      period: 60d\n      action: delete\n",
			[]string{`p.yaml:24:7: retention.rules[1]: contradicts retention.rules[0]: both cover "user.contact.email" after account_closed`}},
		{"duplicate rule keys", "      action: delete\n", "      action: delete\n    - key: account\n      records: [audit_events]\n      trigger: collected\n      period: 6y\n      action: delete\n",
			[]string{`p.yaml:24:7: retention.rules[1]: duplicate "account" (also at retention.rules[0])`}},
		{"bad trigger", "trigger: account_closed", "trigger: closed",
			[]string{`p.yaml:21:16: retention.rules[0].trigger: "closed" is not one of`}},
		{"children age below the law", "minimum_age: 16", "minimum_age: 12",
			[]string{`p.yaml:25:16: children.minimum_age: 12 is below 13, the lowest age EU`}},
		{"recipient abroad without transfer", "storage:\n", "recipients:\n  - key: mailer\n    name: Mailer\n    type: processor\n    purposes: [essential.service]\n    categories: [user.contact.email]\n    country: US\nstorage:\n",
			[]string{`p.yaml:28:5: recipients[0].transfer: US is outside every storage location (IE)`}},
		{"recipient with undeclared purpose", "storage:\n", "recipients:\n  - key: mailer\n    name: Mailer\n    type: processor\n    purposes: [marketing]\n    categories: [user.contact.email]\n    country: DE\nstorage:\n",
			[]string{`p.yaml:31:16: recipients[0].purposes[0]: purpose "marketing" is not declared`}},
		{"duplicate category", "purposes:\n", "  - key: user.contact.email\n    sources: [subject]\npurposes:\n",
			[]string{`p.yaml:12:5: categories[1]: duplicate "user.contact.email" (also at categories[0])`}},
		{"bad effective date", "effective: 2024-01-01", "effective: 01/01/2024",
			[]string{`p.yaml:2:12: effective: want a date as YYYY-MM-DD`}},
		{"unknown right", "storage:\n", "rights:\n  grant:\n    \"*\": [acess]\nstorage:\n",
			[]string{`p.yaml:29:11: rights.grant.*[0]: unknown right "acess"`}},
		{"bad cookie duration", "storage:\n", "cookies:\n  - name: a\n    category: essential\n    provider: us\n    duration: forever\nstorage:\n",
			[]string{`p.yaml:31:15: cookies[0].duration: invalid period "forever"`}},
		{"taxonomy extension without parent", "categories:\n", "taxonomy:\n  categories:\n    - key: nowhere.thing\n      name: Thing\ncategories:\n",
			[]string{`p.yaml:11:12: taxonomy.categories[0].key:`, `parent "nowhere" does not exist`}},
		{"syntax error", "service: Minimal\n", "service: [Minimal\n",
			[]string{`p.yaml:`, `YAML syntax`}},
		{"fee amount without a currency", "storage:\n", "rights:\n  fees:\n    free_copies: 1\n    amount: \"10\"\nstorage:\n",
			[]string{`rights.fees.amount: want a decimal and an ISO 4217 currency`}},
		{"fee estimate without excessive", "storage:\n", "rights:\n  fees:\n    free_copies: 1\n    amount: 0 EUR\n    estimate: 50 EUR\nstorage:\n",
			[]string{`rights.fees.estimate: an estimate is for requests judged excessive`}},
		{"profiling logic without profiling", "    basis: {\"*\": contract}\n", "    basis: {\"*\": contract}\n    profiling_logic: Scores leads.\n",
			[]string{`purposes[0].profiling_logic: describes profiling`}},
		{"several problems at once", "role: controller\n", "role: owner\nrol: x\n",
			[]string{"(2 problems)", `p.yaml:7:7: role:`, `p.yaml:8:1: rol:`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := edit(t, base, tt.old, tt.new)
			c, err := policy.Parse("p.yaml", []byte(src))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse accepted the policy (hash %s)", c.Hash)
			}
			if code := privet.ErrorCode(err); code != privet.EINVALID {
				t.Errorf("code = %q, want %q", code, privet.EINVALID)
			}
			var ps *policy.Problems
			if !errors.As(err, &ps) || len(ps.List) == 0 {
				t.Errorf("error is not a *policy.Problems: %T", err)
			}
			msg := privet.ErrorMessage(err)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
		})
	}
}

// TestParseRejectsUnlawfulChoices covers rules that depend on the law of a
// served place, so each case edits the minimal policy twice.
func TestParseRejectsUnlawfulChoices(t *testing.T) {
	base := readTestdata(t, "minimal.yaml")
	tests := []struct {
		name             string
		places, addition string // the jurisdictions line, and text inserted before storage
		purposeExtra     string // appended to the purpose
		want             string
	}{
		{"sale on notice where the law gives an opt-out", "jurisdictions: [EU, US, US-CA]", "", "    sale: true\n",
			`p.yaml:13:5: purposes[0].consent: US-CA gives a right to opt out of this purpose`},
		{"transfer abroad without consent under PIPL", "jurisdictions: [CN]",
			"recipients:\n  - key: cloud\n    name: Cloud\n    type: processor\n    purposes: [essential.service]\n    categories: [user.contact.email]\n    country: US\n    transfer: scc\n",
			"", `recipients[0].transfer: CN (`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := edit(t, base, "jurisdictions: [EU, US]", tt.places)
			src = edit(t, src, "storage:\n", tt.addition+"storage:\n")
			src = edit(t, src, "    basis: {\"*\": contract}\n", "    basis: {\"*\": contract}\n"+tt.purposeExtra)
			_, err := policy.Parse("p.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"empty", "", "policy is empty"},
		{"comment only", "# nothing\n", "policy is empty"},
		{"too large", "version: \"1\"\n" + strings.Repeat("#", policy.MaxSize), "larger than 1 MiB"},
		{"not a mapping", "- a\n- b\n", "want a mapping, got a list"},
		{"two documents", "version: \"1\"\n---\nversion: \"2\"\n", "one YAML document"},
		{"alias bomb", aliasBomb(), "too deeply aliased"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.Parse("p.yaml", []byte(tt.src))
			if privet.ErrorCode(err) != privet.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want EINVALID with %q", err, tt.want)
			}
		})
	}
}

// aliasBomb builds a small document whose aliases multiply the work: a
// thousand categories each pointing at a list of a thousand sources.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("x: &s [" + strings.TrimSuffix(strings.Repeat("subject, ", 1000), ", ") + "]\n")
	b.WriteString("categories:\n")
	for range 1000 {
		b.WriteString("  - {key: user.name, sources: *s}\n")
	}
	return b.String()
}
