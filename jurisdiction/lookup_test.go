package jurisdiction_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/deadline"
	"github.com/privet-dev/privet/jurisdiction"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		place   string
		wantKey string // "" means not found
	}{
		{"EU", "EU"}, {"UK", "UK"}, {"US-CA", "US-CA"}, {"US-VA", "US-VA"}, {"US-CO", "US-CO"},
		{"US-CT", "US-CT"}, {"US-UT", "US-UT"}, {"CA", "CA"}, {"BR", "BR"}, {"CN", "CN"},
		{"US", "US"}, {"US-COPPA", "US-COPPA"},
		{"DE", "EU"}, {"FR", "EU"}, {"GR", "EU"}, {"IE", "EU"}, {"NO", "EU"}, {"IS", "EU"}, {"LI", "EU"},
		{"DE-BY", "EU"}, {"FR-75C", "EU"},
		{"GB", "UK"}, {"GB-SCT", "UK"},
		{"US-NY", "US"}, {"US-TX", "US"},
		{"CA-ON", "CA"}, {"CA-QC", "CA"},
		{"BR-SP", "BR"}, {"CN-BJ", "CN"},
		{"CH", ""}, {"JP", ""}, {"EL", ""}, {"AU-NSW", ""},
		{"", ""}, {"de", ""}, {"D", ""}, {"DEU", ""}, {"US-", ""}, {"US-CALI", ""}, {"US_CA", ""}, {"us-ca", ""},
	}
	for _, tc := range tests {
		t.Run(tc.place, func(t *testing.T) {
			law, ok := jurisdiction.Lookup(tc.place)
			if tc.wantKey == "" {
				if ok || law != nil {
					t.Fatalf("Lookup(%q) = %v, %v; want nil, false", tc.place, law, ok)
				}
				return
			}
			if !ok || law == nil {
				t.Fatalf("Lookup(%q) not found, want %s", tc.place, tc.wantKey)
			}
			if law.Key != tc.wantKey {
				t.Fatalf("Lookup(%q).Key = %s, want %s", tc.place, law.Key, tc.wantKey)
			}
		})
	}
}

func TestKeyFacts(t *testing.T) {
	d := func(s string) deadline.Period {
		p, err := deadline.ParsePeriod(s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		key                      string
		response, extension      string
		receipt, optOut          string
		consent, minAge, maxAge  int
		gpc, appeal, crossBorder bool
	}{
		{"EU", "1m", "2m", "0d", "0d", 16, 13, 16, false, false, false},
		{"UK", "1m", "2m", "0d", "0d", 13, 13, 13, false, false, false},
		{"US-CA", "45d", "45d", "10bd", "15bd", 16, 13, 16, true, false, false},
		{"US-VA", "45d", "45d", "0d", "0d", 13, 13, 13, false, true, false},
		{"US-CO", "45d", "45d", "0d", "0d", 13, 13, 13, true, true, false},
		{"US-CT", "45d", "45d", "0d", "0d", 13, 13, 13, true, true, false},
		{"US-UT", "45d", "45d", "0d", "0d", 13, 13, 13, false, false, false},
		{"CA", "30d", "30d", "0d", "0d", 13, 13, 13, false, false, false},
		{"BR", "15d", "0d", "0d", "0d", 12, 12, 12, false, false, false},
		{"CN", "15bd", "0d", "0d", "0d", 14, 14, 14, false, false, true},
		{"US-COPPA", "0d", "0d", "0d", "0d", 13, 13, 13, false, false, false},
		{"US", "0d", "0d", "0d", "0d", 0, 0, 0, false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			l, ok := jurisdiction.Lookup(tc.key)
			if !ok {
				t.Fatal("not found")
			}
			checks := []struct {
				field     string
				got, want any
			}{
				{"Response", l.Response, d(tc.response)},
				{"Extension", l.Extension, d(tc.extension)},
				{"ReceiptConfirmation", l.ReceiptConfirmation, d(tc.receipt)},
				{"OptOutDeadline", l.OptOutDeadline, d(tc.optOut)},
				{"ConsentAge", l.ConsentAge, tc.consent},
				{"MinConsentAge", l.MinConsentAge, tc.minAge},
				{"MaxConsentAge", l.MaxConsentAge, tc.maxAge},
				{"HonourGPC", l.HonourGPC, tc.gpc},
				{"Appeal", l.Appeal, tc.appeal},
				{"CrossBorderConsent", l.CrossBorderConsent, tc.crossBorder},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
				}
			}
		})
	}
}

func TestRights(t *testing.T) {
	tests := []struct {
		key     string
		grants  []jurisdiction.Right
		refuses []jurisdiction.Right
	}{
		{"EU", []jurisdiction.Right{"access", "portability", "rectification", "erasure", "restriction", "objection", "withdraw_consent", "no_automated_decisions", "complaint"}, []jurisdiction.Right{"opt_out_sale", "appeal", "shine_the_light"}},
		{"US-CA", []jurisdiction.Right{"know", "access", "erasure", "rectification", "opt_out_sale", "opt_out_sharing", "limit_sensitive", "shine_the_light"}, []jurisdiction.Right{"appeal", "restriction"}},
		{"US-VA", []jurisdiction.Right{"access", "opt_out_targeted_ads", "appeal"}, []jurisdiction.Right{"opt_out_sharing", "limit_sensitive"}},
		{"US-UT", []jurisdiction.Right{"access", "erasure", "portability", "opt_out_sale"}, []jurisdiction.Right{"rectification", "appeal"}},
		{"CN", []jurisdiction.Right{"access", "portability", "erasure", "withdraw_consent"}, []jurisdiction.Right{"opt_out_sale"}},
		{"US", nil, jurisdiction.AllRights()},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			l, _ := jurisdiction.Lookup(tc.key)
			for _, r := range tc.grants {
				if !l.Grants(r) {
					t.Errorf("%s does not grant %s", tc.key, r)
				}
			}
			for _, r := range tc.refuses {
				if l.Grants(r) {
					t.Errorf("%s grants %s", tc.key, r)
				}
			}
		})
	}
}

func TestRepeatLimits(t *testing.T) {
	ca, _ := jurisdiction.Lookup("US-CA")
	want := jurisdiction.RepeatLimit{Count: 2, Window: deadline.Period{N: 12, Unit: deadline.Months}}
	for _, r := range []jurisdiction.Right{jurisdiction.RightAccess, jurisdiction.RightKnow} {
		if got := ca.RepeatLimits[r]; got != want {
			t.Errorf("US-CA %s limit = %+v, want %+v", r, got, want)
		}
	}
	eu, _ := jurisdiction.Lookup("EU")
	if len(eu.RepeatLimits) != 0 {
		t.Errorf("EU has repeat limits %v; the GDPR sets no count", eu.RepeatLimits)
	}
}

func TestNeedsOptIn(t *testing.T) {
	tests := []struct {
		key, purpose string
		want         bool
	}{
		{"EU", "marketing.communications.email", true},
		{"EU", "marketing.communications.email.newsletter", true},
		{"EU", "marketing.communications", false},
		{"EU", "marketing.communications.emailx", false},
		{"EU", "essential.service", false},
		{"UK", "marketing.communications.sms", true},
		{"CA", "marketing.communications.email", true},
		{"US-CA", "marketing.communications.email", false},
		{"US", "marketing.communications.email", false},
		{"US-VA", "user.health.condition", true},
		{"US-VA", "user.location.precise", true},
		{"US-CO", "user.location.precise", false},
		{"US-CT", "user.demographic.sexual_orientation", true},
		{"US-UT", "user.health", false},
		{"CN", "user.financial.bank_account", true},
		{"CN", "third_party_sharing", true},
		{"CN", "user.contact.email", false},
	}
	for _, tc := range tests {
		t.Run(tc.key+"/"+tc.purpose, func(t *testing.T) {
			l, _ := jurisdiction.Lookup(tc.key)
			if got := l.NeedsOptIn(tc.purpose); got != tc.want {
				t.Fatalf("NeedsOptIn = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestChildren(t *testing.T) {
	tests := []struct {
		place string
		want  bool
	}{
		{"US", true}, {"US-CA", true}, {"US-NY", true},
		{"DE", false}, {"CA", false}, {"EU", false}, {"bogus", false},
	}
	for _, tc := range tests {
		t.Run(tc.place, func(t *testing.T) {
			l, ok := jurisdiction.Children(tc.place)
			if ok != tc.want {
				t.Fatalf("Children(%q) ok = %v, want %v", tc.place, ok, tc.want)
			}
			if ok && (l.Key != "US-COPPA" || l.ConsentAge != 13) {
				t.Fatalf("Children(%q) = %s, consent age %d", tc.place, l.Key, l.ConsentAge)
			}
		})
	}
}

func TestValidPlace(t *testing.T) {
	for code, want := range map[string]bool{
		"DE": true, "US-CA": true, "FR-75C": true, "GB-SCT": true, "CN-BJ": true, "ES-M": true,
		"": false, "D": false, "de": false, "DEU": false, "US-": false, "US-CALI": false,
		"US_CA": false, "-CA": false, "US-ca": false, "1A": false, "US-C-A": false,
	} {
		if got := jurisdiction.ValidPlace(code); got != want {
			t.Errorf("ValidPlace(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestKeys(t *testing.T) {
	want := []string{"BR", "CA", "CN", "EU", "UK", "US", "US-CA", "US-CO", "US-COPPA", "US-CT", "US-UT", "US-VA"}
	if got := jurisdiction.Keys(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Keys() = %v, want %v", got, want)
	}
}

// Every value in the table must say where it comes from, so a notice can
// cite it and a reviewer can check it.
func TestEveryValueIsCited(t *testing.T) {
	for _, key := range jurisdiction.Keys() {
		l, _ := jurisdiction.Lookup(key)
		need := map[string]bool{
			"Response":            !l.Response.IsZero(),
			"Extension":           !l.Extension.IsZero(),
			"ReceiptConfirmation": !l.ReceiptConfirmation.IsZero(),
			"OptOutDeadline":      !l.OptOutDeadline.IsZero(),
			"UnsubscribeDeadline": !l.UnsubscribeDeadline.IsZero(),
			"ConsentAge":          l.ConsentAge != 0,
			"RepeatLimits":        len(l.RepeatLimits) > 0,
			"HonourGPC":           l.HonourGPC,
			"OptInRequired":       len(l.OptInRequired) > 0,
			"Appeal":              l.Appeal,
			"CrossBorderConsent":  l.CrossBorderConsent,
			"Complaint":           l.Complaint != "",
			"Breach":              l.Breach != nil,
		}
		for _, r := range l.Rights {
			need["Right."+string(r)] = true
		}
		for field, set := range need {
			if set && strings.TrimSpace(l.Citations[field]) == "" {
				t.Errorf("%s: %s has no citation", key, field)
			}
		}
		for field := range l.Citations {
			if r, ok := strings.CutPrefix(field, "Right."); ok && !l.Grants(jurisdiction.Right(r)) {
				t.Errorf("%s: citation for a right it does not grant: %s", key, r)
			}
		}
	}
}

func TestTableIsConsistent(t *testing.T) {
	for _, key := range jurisdiction.Keys() {
		l, _ := jurisdiction.Lookup(key)
		if l.Key != key || l.Name == "" {
			t.Errorf("%s: Key %q, Name %q", key, l.Key, l.Name)
		}
		if l.MinConsentAge > l.ConsentAge || l.ConsentAge > l.MaxConsentAge {
			t.Errorf("%s: consent age %d outside %d..%d", key, l.ConsentAge, l.MinConsentAge, l.MaxConsentAge)
		}
		seen := map[jurisdiction.Right]bool{}
		for _, r := range l.Rights {
			if !r.Valid() || seen[r] {
				t.Errorf("%s: invalid or repeated right %q", key, r)
			}
			seen[r] = true
		}
		for r := range l.RepeatLimits {
			if !l.Grants(r) {
				t.Errorf("%s: repeat limit on a right it does not grant: %s", key, r)
			}
		}
		if l.Appeal != l.Grants(jurisdiction.RightAppeal) {
			t.Errorf("%s: Appeal %v but grants appeal %v", key, l.Appeal, l.Grants(jurisdiction.RightAppeal))
		}
		if key != "US" && key != "US-COPPA" && l.Response.IsZero() {
			t.Errorf("%s: no response deadline", key)
		}
	}
}

func TestLookupReturnsACopy(t *testing.T) {
	l, _ := jurisdiction.Lookup("US-CA")
	l.Rights[0] = "tampered"
	l.RepeatLimits[jurisdiction.RightAccess] = jurisdiction.RepeatLimit{}
	l.Citations["Response"] = "tampered"
	again, _ := jurisdiction.Lookup("US-CA")
	if again.Rights[0] == "tampered" || again.RepeatLimits[jurisdiction.RightAccess].Count != 2 || again.Citations["Response"] == "tampered" {
		t.Fatal("a change to a looked-up Law leaked into the table")
	}
	if !slices.Contains(again.Rights, jurisdiction.RightKnow) {
		t.Fatal("rights lost")
	}
}

func FuzzLookup(f *testing.F) {
	for _, s := range []string{"DE", "US-CA", "US-COPPA", "GB-SCT", "", "-", "US-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, place string) {
		l, ok := jurisdiction.Lookup(place)
		if ok != (l != nil) {
			t.Fatalf("Lookup(%q) = %v, %v", place, l, ok)
		}
		if ok && !jurisdiction.ValidPlace(place) && !slices.Contains(jurisdiction.Keys(), place) {
			t.Fatalf("Lookup(%q) found a law for a malformed place", place)
		}
	})
}

func TestBreachRules(t *testing.T) {
	tests := []struct {
		place         string
		regulatorRisk privet.Risk
		within        string // "" for no fixed period
		timing        string
		minPeople     int
		peopleRisk    privet.Risk
	}{
		{"DE", privet.RiskSome, "72h", "72 hours", 0, privet.RiskHigh},
		{"GB", privet.RiskSome, "72h", "72 hours", 0, privet.RiskHigh},
		{"CN", privet.RiskNone, "", "immediately", 0, privet.RiskSome},
		{"US-CA", privet.RiskNone, "", "with the notice", 501, privet.RiskNone},
		{"US-CO", privet.RiskSome, "30d", "30 days", 500, privet.RiskSome},
		{"BR", privet.RiskSome, "3bd", "three working days", 0, privet.RiskSome},
	}
	for _, tt := range tests {
		l, ok := jurisdiction.Lookup(tt.place)
		if !ok || l.Breach == nil {
			t.Fatalf("%s: no breach rule", tt.place)
		}
		b := l.Breach
		within := ""
		if !b.RegulatorWithin.IsZero() {
			within = b.RegulatorWithin.String()
		}
		if b.RegulatorRisk != tt.regulatorRisk || within != tt.within || !strings.Contains(b.RegulatorTiming, tt.timing) ||
			b.RegulatorMinPeople != tt.minPeople || b.PeopleRisk != tt.peopleRisk || b.Regulator == "" || b.PeopleTiming == "" {
			t.Errorf("%s: %+v", tt.place, b)
		}
	}
	for _, place := range []string{"US", "US-NY"} {
		if l, _ := jurisdiction.Lookup(place); l.Breach != nil {
			t.Errorf("%s: a breach rule privet does not model", place)
		}
	}
}
