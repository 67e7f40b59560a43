package policy_test

import (
	"regexp"
	"testing"

	"github.com/privet-dev/privet/policy"
)

func TestParseMoney(t *testing.T) {
	for in, want := range map[string]policy.Money{
		"10.00 EUR": {Value: "10.00", Currency: "EUR"},
		"0 USD":     {Value: "0", Currency: "USD"},
		"1.500 KWD": {Value: "1.500", Currency: "KWD"},
	} {
		got, ok := policy.ParseMoney(in)
		if !ok || got != want || got.String() != in {
			t.Errorf("ParseMoney(%q) = %+v %v, want %+v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "10", "EUR", "10.00 eur", "10.00  EUR", "-1 EUR", "1. EUR", ".5 EUR", "1.2345 EUR", "10,00 EUR", "10.00 EURO", "1e3 EUR"} {
		if m, ok := policy.ParseMoney(in); ok {
			t.Errorf("ParseMoney(%q) = %+v, want refused", in, m)
		}
	}
	if m, _ := policy.ParseMoney("0.00 CNY"); !m.Zero() {
		t.Error("0.00 CNY is not zero")
	}
	if m, _ := policy.ParseMoney("0.01 CNY"); m.Zero() {
		t.Error("0.01 CNY is zero")
	}
}

func TestFeesEstimate(t *testing.T) {
	f := &policy.Fees{Amount: "0.00 USD", Excessive: true, Estimate: "50.00 USD"}
	if _, ok := f.FeeAmount(); ok {
		t.Error("a zero copy price charges")
	}
	if m, ok := f.ExcessiveEstimate(); !ok || m.String() != "50.00 USD" {
		t.Errorf("estimate = %v %v", m, ok)
	}
	f.Excessive = false
	if _, ok := f.ExcessiveEstimate(); ok {
		t.Error("an estimate without excessive: true")
	}
	f = &policy.Fees{Amount: "10.00 EUR", Excessive: true}
	if m, ok := f.ExcessiveEstimate(); !ok || m.String() != "10.00 EUR" {
		t.Errorf("estimate falls back to the amount: %v %v", m, ok)
	}
}

// moneyForm is the form the policy schema gives amounts.
var moneyForm = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,3})? [A-Z]{3}$`)

// FuzzParseMoney checks the parser never panics, accepts exactly the form
// the schema documents, and gives back what it read.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"10.00 EUR", "0 USD", "1. EUR", "", " ", "9999999999999999 USD"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, ok := policy.ParseMoney(s)
		if ok != (moneyForm.MatchString(s) && len(s) <= 19) {
			t.Fatalf("ParseMoney(%q) ok = %v, schema form %v", s, ok, moneyForm.MatchString(s))
		}
		if ok && m.String() != s {
			t.Fatalf("ParseMoney(%q) = %q", s, m.String())
		}
	})
}
