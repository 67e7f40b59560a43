package identity_test

import (
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/identity"
)

type normCase struct {
	in, want string // want "" means the input is refused
}

func checkCases(t *testing.T, typ privet.IdentityType, norm func(string) (string, error), cases []normCase) {
	t.Helper()
	for _, tt := range cases {
		got, err := norm(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("%s %q: accepted as %q, want refusal", typ, tt.in, got)
				continue
			}
			if privet.ErrorCode(err) != privet.EINVALID || privet.ErrorField(err) != "identities" && privet.ErrorField(err) != "default_region" {
				t.Errorf("%s %q: error %v, want EINVALID on identities", typ, tt.in, err)
			}
			if v := strings.TrimSpace(tt.in); len(v) > 2 && strings.Contains(err.Error(), v) {
				t.Errorf("%s: error %q echoes the value", typ, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s %q = %q, %v; want %q", typ, tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 60) + ".example"
	checkCases(t, privet.IdentityEmail, func(s string) (string, error) {
		return identity.Normalize(privet.IdentityEmail, s)
	}, []normCase{
		{"alice@example.com", "alice@example.com"},
		{"  Alice.Smith+news@Example.COM \n", "alice.smith+news@example.com"},
		{"ALICE@EXAMPLE.COM", "alice@example.com"},
		{"jürgen@bücher.example", "jürgen@xn--bcher-kva.example"},
		{"Jürgen@BÜCHER.example", "jürgen@xn--bcher-kva.example"},
		{"user@xn--bcher-kva.example", "user@xn--bcher-kva.example"},
		{"o'brien@sub.example.co.uk", "o'brien@sub.example.co.uk"},
		{"用户@例子.广告", "用户@xn--fsqu00a.xn--4rr70v"},
		{"", ""},
		{"   ", ""},
		{"alice", ""},
		{"alice@@example.com", ""},
		{"a@b@example.com", ""},
		{"@example.com", ""},
		{"alice@", ""},
		{"alice@localhost", ""},
		{"alice@example..com", ""},
		{"alice@example.com.", ""},
		{"alice@-example.com", ""},
		{"alice@[192.0.2.1]", ""},
		{".alice@example.com", ""},
		{"alice.@example.com", ""},
		{"al..ice@example.com", ""},
		{"al ice@example.com", ""},
		{`"alice"@example.com`, ""},
		{"alice\x00@example.com", ""},
		{"ali\u200bce@example.com", ""},
		{"alice@exa mple.com", ""},
		{"alice@exa_mple.com", ""},
		{"\xff@example.com", ""},
		{strings.Repeat("a", 65) + "@example.com", ""},
		{long, ""},
	})
}

func TestNormalizePhone(t *testing.T) {
	checkCases(t, privet.IdentityPhone, func(s string) (string, error) {
		return identity.Normalize(privet.IdentityPhone, s)
	}, []normCase{
		{"+49 30 901820", "+4930901820"},
		{"+1 (415) 555-2671", "+14155552671"},
		{" +44 20 7946 0958 ", "+442079460958"},
		{"+86 138 0013 8000", "+8613800138000"},
		{"+14155552671", "+14155552671"},
		{"030 901820", ""},  // national form without a region
		{"+1 555 0100", ""}, // too short to be valid
		{"+999 123456", ""}, // no such country code
		{"+49 30 9018\x0020", ""},
		{"", ""},
		{"+", ""},
		{"not a number", ""},
		{"+" + strings.Repeat("1", 80), ""},
	})
}

func TestNormalizePhoneDefaultRegion(t *testing.T) {
	tests := []struct {
		in, region, want string
		ok               bool
	}{
		{"030 901820", "DE", "+4930901820", true},
		{"030 901820", "de", "+4930901820", true},
		{"(415) 555-2671", "US", "+14155552671", true},
		{"+44 20 7946 0958", "US", "+442079460958", true}, // + wins over the region
		{"030 901820", "", "", false},
		{"030 901820", "Germany", "", false},
		{"030 901820", "ZZ", "", false},
		{"030 901820", "1!", "", false},
	}
	for _, tt := range tests {
		got, err := identity.NormalizePhone(tt.in, tt.region)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("NormalizePhone(%q, %q) = %q, %v; want %q ok=%v", tt.in, tt.region, got, err, tt.want, tt.ok)
		}
		if err != nil && privet.ErrorCode(err) != privet.EINVALID {
			t.Errorf("NormalizePhone(%q, %q): code %q", tt.in, tt.region, privet.ErrorCode(err))
		}
	}
}

func TestNormalizeExternalID(t *testing.T) {
	checkCases(t, privet.IdentityExternalID, func(s string) (string, error) {
		return identity.Normalize(privet.IdentityExternalID, s)
	}, []normCase{
		{"user-42", "user-42"},
		{"User-42", "User-42"},
		{" padded ", " padded "},
		{"a b  c", "a b  c"},
		{"ユーザー/7", "ユーザー/7"},
		{strings.Repeat("x", 256), strings.Repeat("x", 256)},
		{strings.Repeat("x", 257), ""},
		{"", ""},
		{"tab\there", ""},
		{"nl\n", ""},
		{"\xfe\xff", ""},
	})
}

func TestNormalizeCookieID(t *testing.T) {
	checkCases(t, privet.IdentityCookieID, func(s string) (string, error) {
		return identity.Normalize(privet.IdentityCookieID, s)
	}, []normCase{
		{"c_AbC-123", "c_AbC-123"},
		{strings.Repeat("a", 128), strings.Repeat("a", 128)},
		{strings.Repeat("a", 129), ""},
		{"", ""},
		{" abc", ""},
		{"abc=", ""},
		{"a.b", ""},
		{"ä", ""},
	})
}

func TestNormalizeUnknownType(t *testing.T) {
	_, err := identity.Normalize("ssn", "123")
	if privet.ErrorCode(err) != privet.EINVALID {
		t.Fatalf("unknown type: %v", err)
	}
}

// fuzzNormalize checks that normalizing never panics and is idempotent:
// a stored normalized value must index the same when it comes back.
func fuzzNormalize(f *testing.F, typ privet.IdentityType, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := identity.Normalize(typ, in)
		if err != nil {
			if privet.ErrorCode(err) != privet.EINVALID {
				t.Fatalf("error code %q", privet.ErrorCode(err))
			}
			return
		}
		again, err := identity.Normalize(typ, out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", in, out, again, err)
		}
	})
}

func FuzzNormalizeEmail(f *testing.F) {
	fuzzNormalize(f, privet.IdentityEmail, "Alice@Example.com", "jürgen@bücher.example", "a@xn--bcher-kva.example", "İ@example.com")
}

func FuzzNormalizePhone(f *testing.F) {
	fuzzNormalize(f, privet.IdentityPhone, "+49 30 901820", "+1 (415) 555-2671 ext. 12", "+８６１３８００１３８０００")
}

func FuzzNormalizeExternalID(f *testing.F) {
	fuzzNormalize(f, privet.IdentityExternalID, "user-42", " x ")
}

func FuzzNormalizeCookieID(f *testing.F) {
	fuzzNormalize(f, privet.IdentityCookieID, "c_abc-1", "a=b")
}
