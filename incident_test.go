package privet_test

import (
	"testing"

	"github.com/privet-dev/privet"
)

func TestRiskAtLeast(t *testing.T) {
	tests := []struct {
		r, min privet.Risk
		want   bool
	}{
		{privet.RiskNone, privet.RiskNone, true},
		{privet.RiskNone, privet.RiskSome, false},
		{privet.RiskSome, privet.RiskSome, true},
		{privet.RiskSome, privet.RiskHigh, false},
		{privet.RiskHigh, privet.RiskSome, true},
		{privet.RiskHigh, privet.RiskNone, true},
	}
	for _, tt := range tests {
		if got := tt.r.AtLeast(tt.min); got != tt.want {
			t.Errorf("%s.AtLeast(%s) = %v, want %v", tt.r, tt.min, got, tt.want)
		}
	}
}

func FuzzParseRisk(f *testing.F) {
	for _, s := range []string{"none", "risk", "high_risk", "", "HIGH_RISK", "high"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := privet.ParseRisk(s)
		if err != nil {
			if privet.ErrorCode(err) != privet.EINVALID || privet.ErrorField(err) != "risk" {
				t.Fatalf("error %v", err)
			}
			return
		}
		if string(r) != s || !r.AtLeast(privet.RiskNone) {
			t.Fatalf("ParseRisk(%q) = %q", s, r)
		}
	})
}

func FuzzParseIncidentStatus(f *testing.F) {
	for _, s := range []string{"open", "notified", "closed", "", "Open"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := privet.ParseIncidentStatus(s)
		if err != nil {
			if privet.ErrorField(err) != "status" {
				t.Fatalf("error %v", err)
			}
			return
		}
		if string(st) != s {
			t.Fatalf("ParseIncidentStatus(%q) = %q", s, st)
		}
	})
}
