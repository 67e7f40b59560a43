package policy_test

import (
	"slices"
	"testing"

	"github.com/privet-dev/privet/deadline"
	"github.com/privet-dev/privet/jurisdiction"
	"github.com/privet-dev/privet/policy"
)

func loadRich(t testing.TB) *policy.Compiled {
	t.Helper()
	c, err := policy.Load("testdata/rich.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCompiledLookups(t *testing.T) {
	c := loadRich(t)
	if _, ok := c.Category("user.contact.email"); !ok {
		t.Error("Category(user.contact.email) not found")
	}
	if _, ok := c.Category("user.health"); ok {
		t.Error("Category(user.health) found but not declared")
	}
	if p, ok := c.Purpose("marketing.communications.email"); !ok || p.Channel != "email" {
		t.Errorf("Purpose(marketing.communications.email) = %v, %v", p, ok)
	}
	if _, ok := c.Purpose("sales"); ok {
		t.Error("Purpose(sales) found but not declared")
	}
	if r, ok := c.Recipient("cloud"); !ok || r.Transfer != "scc" {
		t.Errorf("Recipient(cloud) = %v, %v", r, ok)
	}
	if _, ok := c.Recipient("nobody"); ok {
		t.Error("Recipient(nobody) found")
	}
	if !c.Taxonomy.Has("category", "user.content.private.document") {
		t.Error("policy taxonomy extension missing from Compiled.Taxonomy")
	}
}

func TestCollectsAndMayRead(t *testing.T) {
	c := loadRich(t)
	tests := []struct {
		purpose, category string
		collects, mayRead bool
	}{
		{"essential.service", "user.contact.email", true, true},
		{"essential.service", "user.name.first", true, true}, // a descendant of a listed category
		{"essential.service", "user.contact.phone_number", true, false},
		{"essential.service", "user.health", false, false},
		{"marketing.communications.email", "user.device.ip_address", true, false},
		{"analytics.reporting", "user.device.ip_address", true, true},
		{"undeclared.purpose", "user.contact.email", true, false},
		{"essential.service", "user.contact", false, false}, // a parent is broader than what is collected
	}
	for _, tt := range tests {
		if got := c.Collects(tt.category); got != tt.collects {
			t.Errorf("Collects(%s) = %v, want %v", tt.category, got, tt.collects)
		}
		if got := c.MayRead(tt.purpose, tt.category); got != tt.mayRead {
			t.Errorf("MayRead(%s, %s) = %v, want %v", tt.purpose, tt.category, got, tt.mayRead)
		}
	}
}

func TestBasisAndMechanism(t *testing.T) {
	c := loadRich(t)
	tests := []struct {
		purpose, place   string
		basis, mechanism string
	}{
		{"marketing.communications.email", "DE", "consent", "opt_in"},                  // DE resolves to the EU key
		{"marketing.communications.email", "EU", "consent", "opt_in"},                  // the key itself
		{"marketing.communications.email", "GB", "consent", "opt_in"},                  // GB -> UK
		{"marketing.communications.email", "US-CA", "legitimate_interests", "opt_out"}, // falls to "*"
		{"marketing.advertising.third_party.targeted", "US-NY", "consent", "opt_out"},  // US-NY -> US
		{"marketing.advertising.third_party.targeted", "FR", "consent", "opt_in"},      // consent defaults to opt_in
		{"essential.service", "JP", "contract", "notice"},                              // "*", non-consent defaults to notice
		{"analytics.reporting", "IE", "consent", "opt_in"},
		{"analytics.reporting", "CA", "legitimate_interests", "notice"},
		{"nope", "EU", "", ""},
	}
	for _, tt := range tests {
		if got := c.Basis(tt.purpose, tt.place); got != tt.basis {
			t.Errorf("Basis(%s, %s) = %q, want %q", tt.purpose, tt.place, got, tt.basis)
		}
		if got := c.Mechanism(tt.purpose, tt.place); got != tt.mechanism {
			t.Errorf("Mechanism(%s, %s) = %q, want %q", tt.purpose, tt.place, got, tt.mechanism)
		}
	}
}

func TestMechanismLawRequiresOptIn(t *testing.T) {
	// Find a law that requires opt-in for some purpose prefix, and check that
	// a policy asking only for opt-out there still gets opt_in.
	for _, key := range jurisdiction.Keys() {
		law, ok := jurisdiction.Lookup(key)
		if !ok || len(law.OptInRequired) == 0 {
			continue
		}
		prefix := law.OptInRequired[0]
		src := readTestdata(t, "minimal.yaml")
		src = edit(t, src, "jurisdictions: [EU, US]", "jurisdictions: [EU, US, "+key+"]")
		src = edit(t, src, "purposes:\n", "taxonomy:\n  purposes:\n    - {key: "+prefix+".privet_test, name: Test}\npurposes:\n"+
			"  - key: "+prefix+".privet_test\n    description: d\n    categories: [user.contact.email]\n    basis: {\"*\": legitimate_interests}\n    consent: {\"*\": opt_out}\n    withdraw: [email]\n")
		c, err := policy.Parse("p.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Mechanism(prefix+".privet_test", key); got != policy.OptIn {
			t.Errorf("%s requires opt-in for %s, Mechanism = %q", key, prefix, got)
		}
		return
	}
	t.Skip("no law in the jurisdiction table requires opt-in")
}

func TestRights(t *testing.T) {
	c := loadRich(t)
	for _, place := range []string{"DE", "US-CA", "US-TX", "JP"} {
		got := c.Rights(place)
		want := []jurisdiction.Right{"access", "erasure", "withdraw_consent"}
		if place == "US-CA" {
			want = append(want, "shine_the_light")
		}
		if law := c.Law(place); law != nil {
			want = append(want, law.Rights...)
		}
		for _, r := range want {
			if !slices.Contains(got, r) {
				t.Errorf("Rights(%s) = %v, lacks %s", place, got, r)
			}
		}
		for i, r := range got {
			if slices.Contains(got[:i], r) {
				t.Errorf("Rights(%s) lists %s twice", place, r)
			}
		}
	}
	if slices.Contains(c.Rights("DE"), "shine_the_light") {
		t.Error("Rights(DE) includes a grant made only for US-CA")
	}
}

func TestResponseDeadline(t *testing.T) {
	c := loadRich(t)
	law := func(place string) deadline.Period { return c.Law(place).Response }
	tests := []struct {
		place, requestType string
		want               deadline.Period
	}{
		{"DE", "access", stricter(c, law("DE"), deadline.Period{N: 30, Unit: deadline.Days})},
		{"US-CA", "opt_out_sale", stricter(c, law("US-CA"), deadline.Period{N: 10, Unit: deadline.BusinessDays})},
		{"US-CA", "access", stricter(c, law("US-CA"), deadline.Period{N: 30, Unit: deadline.Days})},
		{"JP", "access", deadline.Period{N: 30, Unit: deadline.Days}}, // no law: the promise
	}
	for _, tt := range tests {
		if got := c.ResponseDeadline(tt.place, tt.requestType); got != tt.want {
			t.Errorf("ResponseDeadline(%s, %s) = %v, want %v", tt.place, tt.requestType, got, tt.want)
		}
	}
	// The promise never loosens the law: 45 days in California beats no promise.
	min := readTestdata(t, "minimal.yaml")
	m, err := policy.Parse("m.yaml", []byte(edit(t, min, "jurisdictions: [EU, US]", "jurisdictions: [EU, US, US-CA]")))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.ResponseDeadline("US-CA", "access"); got != law("US-CA") {
		t.Errorf("without a promise ResponseDeadline = %v, want the law's %v", got, law("US-CA"))
	}
}

func stricter(c *policy.Compiled, a, b deadline.Period) deadline.Period {
	if a.IsZero() {
		return b
	}
	return deadline.Earlier(c.Effective, a, b, deadline.NoHolidays{})
}

func TestSensitiveMaskRestricted(t *testing.T) {
	c := loadRich(t)
	tests := []struct {
		category  string
		sensitive bool
		mask      string
	}{
		{"user.government_id.national_identification_number", true, "id"},
		{"user.contact.email", false, "email"},
		{"user.name.last", false, "name"}, // inherited from user.name
		{"user.device.ip_address", false, ""},
		{"user.health", false, ""},
	}
	for _, tt := range tests {
		if got := c.Sensitive(tt.category); got != tt.sensitive {
			t.Errorf("Sensitive(%s) = %v", tt.category, got)
		}
		if got := c.MaskFor(tt.category); got != tt.mask {
			t.Errorf("MaskFor(%s) = %q, want %q", tt.category, got, tt.mask)
		}
	}
	if !c.AllowedWhileRestricted("essential.service") || c.AllowedWhileRestricted("marketing.communications.email") {
		t.Error("AllowedWhileRestricted does not follow while_restricted")
	}
}

func TestRetentionFor(t *testing.T) {
	c := loadRich(t)
	keys := func(rules []policy.RetentionRule) []string {
		var k []string
		for _, r := range rules {
			k = append(k, r.Key)
		}
		return k
	}
	if got := keys(c.RetentionFor("user.contact.email")); !slices.Equal(got, []string{"account", "prospects"}) {
		t.Errorf("RetentionFor(email) = %v", got)
	}
	if got := keys(c.RetentionFor("user.device.cookie_id")); !slices.Equal(got, []string{"logs"}) {
		t.Errorf("RetentionFor(cookie_id) = %v", got)
	}
}

// TestCompiledConcurrentUse runs the engine's lookups from many goroutines;
// with -race it proves a Compiled is safe to share.
func TestCompiledConcurrentUse(t *testing.T) {
	c := loadRich(t)
	places := []string{"DE", "FR", "US-CA", "US-NY", "GB", "JP", "CA", "BR"}
	want := map[string]string{}
	for _, p := range places {
		want[p] = c.Mechanism("marketing.communications.email", p)
	}
	done := make(chan bool)
	for g := range 8 {
		go func() {
			ok := true
			for i := range 200 {
				p := places[(g+i)%len(places)]
				ok = ok && c.Mechanism("marketing.communications.email", p) == want[p] && c.Law(p) == c.Law(p)
				c.Rights(p)
				c.ResponseDeadline(p, "access")
			}
			done <- ok
		}()
	}
	for range 8 {
		if !<-done {
			t.Error("a concurrent lookup disagreed with a sequential one")
		}
	}
}
