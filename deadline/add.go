package deadline

import "time"

// Add returns t moved forward by p. The time of day is kept.
//
// Calendar months keep the day of month and fall back to the month's last day
// when that date does not exist (31 January + 1m = 28 or 29 February), because
// that is how "one month" is read for GDPR (Regulation 1182/71 Art. 3(2)(c))
// and it never lets a deadline spill into the month after. Years do likewise
// (29 February + 1y = 28 February). Business days skip weekends and cal's
// holidays; a nil cal has none. Hours add an exact duration.
func Add(t time.Time, p Period, cal Calendar) time.Time {
	if p.N <= 0 {
		return t
	}
	switch p.Unit {
	case Days:
		return t.AddDate(0, 0, p.N)
	case Weeks:
		return t.AddDate(0, 0, 7*p.N)
	case Months:
		return addMonths(t, p.N)
	case Years:
		return addMonths(t, 12*p.N)
	case BusinessDays:
		return addBusinessDays(t, p.N, cal)
	case Hours:
		return t.Add(time.Duration(p.N) * time.Hour)
	}
	// An unknown unit can only come from a Period built by hand, not
	// parsed; moving nothing is safer than guessing a length.
	return t
}

func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	// Day 1 of the target month never overflows, so the month is exact;
	// then the day is clamped to that month's length.
	first := time.Date(y, m+time.Month(n), 1, hh, mm, ss, t.Nanosecond(), t.Location())
	if last := daysIn(first); d > last {
		d = last
	}
	return first.AddDate(0, 0, d-1)
}

func daysIn(firstOfMonth time.Time) int {
	return firstOfMonth.AddDate(0, 1, -1).Day()
}

// maxNonBusinessRun bounds how many days in a row a calendar may declare
// holidays. A calendar that marks every day a holiday is a configuration
// error; past this many days its holidays are ignored, so a deadline is
// late rather than never.
const maxNonBusinessRun = 366

func addBusinessDays(t time.Time, n int, cal Calendar) time.Time {
	run := 0
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if IsBusinessDay(t, cal) || (run >= maxNonBusinessRun && IsBusinessDay(t, nil)) {
			n--
			run = 0
			continue
		}
		run++
	}
	return t
}

// Earlier returns whichever of a and b ends first when both start at from;
// on a tie it returns a.
func Earlier(from time.Time, a, b Period, cal Calendar) Period {
	if Add(from, b, cal).Before(Add(from, a, cal)) {
		return b
	}
	return a
}

// Longer reports whether a ends strictly after b when both start at from.
// Whether "1m" is longer than "30d" depends on the month, hence from.
func Longer(from time.Time, a, b Period, cal Calendar) bool {
	return Add(from, a, cal).After(Add(from, b, cal))
}
