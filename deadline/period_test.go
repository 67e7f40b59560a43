package deadline_test

import (
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/deadline"
)

func TestParsePeriod(t *testing.T) {
	valid := []struct {
		in   string
		want deadline.Period
	}{
		{"180d", deadline.Period{N: 180, Unit: deadline.Days}},
		{"10bd", deadline.Period{N: 10, Unit: deadline.BusinessDays}},
		{"2w", deadline.Period{N: 2, Unit: deadline.Weeks}},
		{"1m", deadline.Period{N: 1, Unit: deadline.Months}},
		{"24m", deadline.Period{N: 24, Unit: deadline.Months}},
		{"7y", deadline.Period{N: 7, Unit: deadline.Years}},
		{"72h", deadline.Period{N: 72, Unit: deadline.Hours}},
		{"10000d", deadline.Period{N: 10000, Unit: deadline.Days}},
		{"0d", deadline.Period{}},
	}
	for _, tc := range valid {
		t.Run(tc.in, func(t *testing.T) {
			got, err := deadline.ParsePeriod(tc.in)
			if err != nil {
				t.Fatalf("ParsePeriod(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("ParsePeriod(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			if s := got.String(); s != tc.in {
				t.Fatalf("String() = %q, want %q", s, tc.in)
			}
		})
	}

	invalid := []string{
		"", "d", "0", "30", "0bd", "0m", "00d", "010d", "10001d", "99999d", "-1d", "+1d",
		"1.5d", "1 d", " 1d", "1d ", "1D", "1x", "1dd", "bd", "1b", "1month", "１d", "1e3d",
	}
	for _, in := range invalid {
		t.Run("invalid/"+in, func(t *testing.T) {
			_, err := deadline.ParsePeriod(in)
			if err == nil {
				t.Fatalf("ParsePeriod(%q) succeeded, want an error", in)
			}
			if code := privet.ErrorCode(err); code != privet.EINVALID {
				t.Fatalf("ParsePeriod(%q) code = %q, want %q", in, code, privet.EINVALID)
			}
		})
	}
}

func TestPeriodZero(t *testing.T) {
	var p deadline.Period
	if !p.IsZero() || p.String() != "0d" {
		t.Fatalf("zero Period: IsZero=%v String=%q", p.IsZero(), p.String())
	}
	if (deadline.Period{N: 1, Unit: deadline.Days}).IsZero() {
		t.Fatal("1d reported as zero")
	}
}

func TestPeriodText(t *testing.T) {
	var p deadline.Period
	if err := p.UnmarshalText([]byte("45d")); err != nil {
		t.Fatal(err)
	}
	b, _ := p.MarshalText()
	if string(b) != "45d" {
		t.Fatalf("MarshalText = %q", b)
	}
	if err := p.UnmarshalText([]byte("forever")); err == nil {
		t.Fatal("UnmarshalText accepted garbage")
	}
	if p.String() != "45d" {
		t.Fatalf("failed UnmarshalText changed the period to %v", p)
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"180d", "10bd", "2w", "1m", "7y", "72h", "0d", "", "00d", "1bdd", "9999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := deadline.ParsePeriod(s)
		if err != nil {
			if privet.ErrorCode(err) != privet.EINVALID {
				t.Fatalf("ParsePeriod(%q): code %q", s, privet.ErrorCode(err))
			}
			return
		}
		if p.N < 0 || p.N > 10000 {
			t.Fatalf("ParsePeriod(%q) = %+v: count out of range", s, p)
		}
		if p.String() != s {
			t.Fatalf("ParsePeriod(%q).String() = %q: not the inverse", s, p.String())
		}
	})
}
