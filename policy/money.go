package policy

import (
	"strings"
)

// Money is an amount of a currency as a policy writes it: "10.00 EUR". The
// value stays a decimal string: privet tells people a fee, it never
// computes with one.
type Money struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

// String is the form it was written in: "10.00 EUR".
func (m Money) String() string { return m.Value + " " + m.Currency }

// Zero reports whether the amount is nothing ("0", "0.00").
func (m Money) Zero() bool { return strings.Trim(m.Value, "0.") == "" }

// ParseMoney reads "<digits>[.<1-3 digits>] <ISO 4217 code>", e.g. "10.00
// EUR" or "0 USD". ok is false for anything else.
func ParseMoney(s string) (m Money, ok bool) {
	value, currency, found := strings.Cut(s, " ")
	if !found || len(currency) != 3 || len(value) == 0 || len(value) > 15 {
		return Money{}, false
	}
	for _, c := range currency {
		if c < 'A' || c > 'Z' {
			return Money{}, false
		}
	}
	whole, frac, dot := strings.Cut(value, ".")
	if !digits(whole) || (dot && (len(frac) == 0 || len(frac) > 3 || !digits(frac))) {
		return Money{}, false
	}
	return Money{Value: value, Currency: currency}, true
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// FeeAmount is the price of a copy beyond the free ones; ok is false when
// the policy charges none (no fees, or a zero amount).
func (f *Fees) FeeAmount() (Money, bool) {
	if f == nil {
		return Money{}, false
	}
	m, ok := ParseMoney(f.Amount)
	return m, ok && !m.Zero()
}

// ExcessiveEstimate is the cost estimate of a request judged excessive or
// repetitive: Estimate, else Amount. ok is false when the policy lets no
// such request be charged, or names no amount above zero.
func (f *Fees) ExcessiveEstimate() (Money, bool) {
	if f == nil || !f.Excessive {
		return Money{}, false
	}
	s := f.Estimate
	if s == "" {
		s = f.Amount
	}
	m, ok := ParseMoney(s)
	return m, ok && !m.Zero()
}
