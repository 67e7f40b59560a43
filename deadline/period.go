package deadline

import (
	"strconv"
	"strings"

	"github.com/privet-dev/privet"
)

// Unit is the unit a period is counted in.
type Unit string

// The units a policy or a law may count in.
const (
	Days         Unit = "d"  // calendar days
	BusinessDays Unit = "bd" // weekdays that are not holidays
	Weeks        Unit = "w"  // seven calendar days
	Months       Unit = "m"  // calendar months, day of month kept
	Years        Unit = "y"  // calendar years, day of month kept
	Hours        Unit = "h"  // exact hours, e.g. a breach notice within 72h
)

// maxN bounds a period so that arithmetic on it stays far from time.Time's
// limits and a typo like "1000000d" is caught instead of meaning "forever".
const maxN = 10000

// Period is a length of time in the unit a law or policy states it in.
// The zero Period means "no period" (e.g. no extension allowed).
type Period struct {
	N    int
	Unit Unit
}

// units lists the units longest suffix first, so "bd" is tried before "d".
var units = [...]Unit{BusinessDays, Days, Weeks, Months, Years, Hours}

// ParsePeriod parses a period written as a count and a unit, e.g. "180d",
// "10bd", "2w", "1m", "24m", "7y", "72h". The count is 1..10000; zero is
// accepted only as "0d", the one spelling of "no period".
func ParsePeriod(s string) (Period, error) {
	if s == "0d" {
		return Period{}, nil
	}
	for _, u := range units {
		digits, ok := strings.CutSuffix(s, string(u))
		if !ok {
			continue
		}
		n, ok := parseCount(digits)
		if !ok {
			break
		}
		return Period{N: n, Unit: u}, nil
	}
	return Period{}, privet.Errorf(privet.EINVALID,
		"invalid period %q: want a count from 1 to %d followed by d, bd, w, m, y or h (e.g. 30d, 10bd, 1m)", clip(s), maxN)
}

// parseCount accepts only plain decimal digits without sign or leading zeros,
// so every period has exactly one spelling and String is its inverse.
func parseCount(s string) (int, bool) {
	if s == "" || len(s) > 5 || s[0] == '0' {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxN {
		return 0, false
	}
	return n, true
}

// clip keeps error messages short when the input is long; a period is
// configuration, not personal data, so quoting it is safe.
func clip(s string) string {
	const max = 32
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// String returns the period as ParsePeriod reads it; the zero Period is "0d".
func (p Period) String() string {
	if p.IsZero() {
		return "0d"
	}
	return strconv.Itoa(p.N) + string(p.Unit)
}

// IsZero reports whether p is no period at all.
func (p Period) IsZero() bool { return p.N == 0 }

// MarshalText lets a Period appear as "30d" in JSON and YAML.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads a Period written as ParsePeriod expects.
func (p *Period) UnmarshalText(b []byte) error {
	v, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
