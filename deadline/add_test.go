package deadline_test

import (
	"testing"
	"time"

	"github.com/privet-dev/privet/deadline"
	"pgregory.net/rapid"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 30, 0, 0, time.UTC) }

func p(s string) deadline.Period {
	v, err := deadline.ParsePeriod(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestAdd(t *testing.T) {
	// 2024-01-05 is a Friday; 2024 is a leap year, 2025 is not.
	newYear := deadline.Holidays{"2025-01-01": true}
	tests := []struct {
		name   string
		from   time.Time
		period string
		cal    deadline.Calendar
		want   time.Time
	}{
		{"zero", date(2024, 3, 1), "0d", nil, date(2024, 3, 1)},
		{"days", date(2024, 2, 27), "3d", nil, date(2024, 3, 1)},
		{"days non-leap", date(2025, 2, 27), "3d", nil, date(2025, 3, 2)},
		{"weeks", date(2024, 12, 25), "2w", nil, date(2025, 1, 8)},
		{"month keeps the day", date(2024, 3, 15), "1m", nil, date(2024, 4, 15)},
		{"Jan 31 + 1m in leap year", date(2024, 1, 31), "1m", nil, date(2024, 2, 29)},
		{"Jan 31 + 1m in common year", date(2025, 1, 31), "1m", nil, date(2025, 2, 28)},
		{"Mar 31 + 1m", date(2025, 3, 31), "1m", nil, date(2025, 4, 30)},
		{"Aug 31 + 1m", date(2025, 8, 31), "1m", nil, date(2025, 9, 30)},
		{"Dec 31 + 2m", date(2024, 12, 31), "2m", nil, date(2025, 2, 28)},
		{"Nov 30 + 3m crosses the year", date(2024, 11, 30), "3m", nil, date(2025, 2, 28)},
		{"Jan 31 + 13m", date(2023, 1, 31), "13m", nil, date(2024, 2, 29)},
		{"Feb 29 + 1y", date(2024, 2, 29), "1y", nil, date(2025, 2, 28)},
		{"Feb 29 + 4y", date(2024, 2, 29), "4y", nil, date(2028, 2, 29)},
		{"Feb 28 + 1y", date(2023, 2, 28), "1y", nil, date(2024, 2, 28)},
		{"7y", date(2020, 6, 30), "7y", nil, date(2027, 6, 30)},
		{"24m", date(2024, 5, 31), "24m", nil, date(2026, 5, 31)},
		{"bd within a week", date(2024, 1, 1), "3bd", nil, date(2024, 1, 4)},
		{"bd from Friday skips the weekend", date(2024, 1, 5), "1bd", nil, date(2024, 1, 8)},
		{"bd from Saturday", date(2024, 1, 6), "1bd", nil, date(2024, 1, 8)},
		{"10bd is two weeks", date(2024, 1, 5), "10bd", nil, date(2024, 1, 19)},
		{"15bd", date(2024, 1, 1), "15bd", nil, date(2024, 1, 22)},
		{"bd skips a holiday", date(2024, 12, 31), "1bd", newYear, date(2025, 1, 2)},
		{"bd without the holiday", date(2024, 12, 31), "1bd", deadline.NoHolidays{}, date(2025, 1, 1)},
		{"hours", date(2024, 3, 1), "72h", nil, date(2024, 3, 4)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := deadline.Add(tc.from, p(tc.period), tc.cal)
			if !got.Equal(tc.want) {
				t.Fatalf("Add(%s, %s) = %s, want %s", tc.from.Format(time.DateOnly), tc.period, got.Format(time.DateTime), tc.want.Format(time.DateTime))
			}
		})
	}
}

func TestAddKeepsTimeOfDayAcrossDST(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	from := time.Date(2025, 3, 15, 9, 0, 0, 0, berlin) // DST starts 30 March
	got := deadline.Add(from, p("1m"), nil)
	if want := time.Date(2025, 4, 15, 9, 0, 0, 0, berlin); !got.Equal(want) {
		t.Fatalf("1m = %s, want %s", got, want)
	}
	// Hours are exact durations, so 24h over the switch is not "same time tomorrow".
	from = time.Date(2025, 3, 29, 12, 0, 0, 0, berlin)
	if got := deadline.Add(from, p("24h"), nil); got.Hour() != 13 {
		t.Fatalf("24h over DST ends at %s, want 13:00", got)
	}
}

func TestAddAllHolidaysTerminates(t *testing.T) {
	got := deadline.Add(date(2024, 1, 1), p("1bd"), everyDay{})
	if got.Before(date(2024, 1, 2)) || !deadline.IsBusinessDay(got, nil) {
		t.Fatalf("Add over an all-holiday calendar = %s", got)
	}
}

type everyDay struct{}

func (everyDay) IsHoliday(time.Time) bool { return true }

func TestEarlierAndLonger(t *testing.T) {
	feb := date(2025, 2, 1) // February 2025 has 28 days
	mar := date(2025, 3, 1) // March has 31
	tests := []struct {
		name        string
		from        time.Time
		a, b        string
		wantEarlier string
		wantLonger  bool // a longer than b
	}{
		{"1m vs 30d in February", feb, "1m", "30d", "1m", false},
		{"1m vs 30d in March", mar, "1m", "30d", "30d", true},
		{"tie returns a", date(2025, 1, 1), "1w", "7d", "1w", false},
		{"45d vs 1m", mar, "45d", "1m", "1m", true},
		{"10bd vs 2w", date(2025, 1, 6), "10bd", "2w", "10bd", false},
		{"72h vs 3d", mar, "72h", "3d", "72h", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := deadline.Earlier(tc.from, p(tc.a), p(tc.b), nil); got != p(tc.wantEarlier) {
				t.Errorf("Earlier = %s, want %s", got, tc.wantEarlier)
			}
			if got := deadline.Longer(tc.from, p(tc.a), p(tc.b), nil); got != tc.wantLonger {
				t.Errorf("Longer = %v, want %v", got, tc.wantLonger)
			}
		})
	}
}

func genTime(t *rapid.T) time.Time {
	day := rapid.IntRange(0, 365*60).Draw(t, "day")
	sec := rapid.IntRange(0, 86399).Draw(t, "sec")
	return time.Date(1990, 1, 1, 0, 0, sec, 0, time.UTC).AddDate(0, 0, day)
}

func genPeriod(t *rapid.T, label string) deadline.Period {
	units := []deadline.Unit{deadline.Days, deadline.BusinessDays, deadline.Weeks, deadline.Months, deadline.Years, deadline.Hours}
	return deadline.Period{
		N:    rapid.IntRange(0, 2000).Draw(t, label+"N"),
		Unit: rapid.SampledFrom(units).Draw(t, label+"Unit"),
	}
}

func TestPropertyBusinessDaysNeverWeekend(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		from := genTime(t)
		n := rapid.IntRange(1, 500).Draw(t, "n")
		got := deadline.Add(from, deadline.Period{N: n, Unit: deadline.BusinessDays}, nil)
		if wd := got.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Fatalf("Add(%s, %dbd) = %s, a %s", from, n, got, wd)
		}
	})
}

func TestPropertyBusinessDaysAvoidHolidays(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		from := genTime(t)
		cal := deadline.Holidays{}
		for i, k := 0, rapid.IntRange(0, 20).Draw(t, "holidays"); i < k; i++ {
			cal[from.AddDate(0, 0, rapid.IntRange(1, 60).Draw(t, "offset")).Format(time.DateOnly)] = true
		}
		n := rapid.IntRange(1, 30).Draw(t, "n")
		got := deadline.Add(from, deadline.Period{N: n, Unit: deadline.BusinessDays}, cal)
		if !deadline.IsBusinessDay(got, cal) {
			t.Fatalf("Add(%s, %dbd) = %s is not a business day", from, n, got)
		}
		// Exactly n business days lie in (from, got].
		count := 0
		for d := from.AddDate(0, 0, 1); !d.After(got); d = d.AddDate(0, 0, 1) {
			if deadline.IsBusinessDay(d, cal) {
				count++
			}
		}
		if count != n {
			t.Fatalf("%d business days between %s and %s, want %d", count, from, got, n)
		}
	})
}

func TestPropertyAddMonotonicInN(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		from := genTime(t)
		a := genPeriod(t, "a")
		b := deadline.Period{N: a.N + rapid.IntRange(0, 50).Draw(t, "more"), Unit: a.Unit}
		ta, tb := deadline.Add(from, a, nil), deadline.Add(from, b, nil)
		if tb.Before(ta) {
			t.Fatalf("Add(%s, %s) = %s is before Add(%s) = %s", from, b, tb, a, ta)
		}
		if a.N > 0 && !ta.After(from) {
			t.Fatalf("Add(%s, %s) = %s does not move forward", from, a, ta)
		}
	})
}

func TestPropertyMonthsKeepDayOrClamp(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		from := genTime(t)
		n := rapid.IntRange(1, 120).Draw(t, "n")
		got := deadline.Add(from, deadline.Period{N: n, Unit: deadline.Months}, nil)
		wantMonth := (int(from.Month())-1+n)%12 + 1
		if int(got.Month()) != wantMonth {
			t.Fatalf("Add(%s, %dm) = %s: month %d, want %d", from, n, got, got.Month(), wantMonth)
		}
		lastDay := time.Date(got.Year(), got.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
		if got.Day() != min(from.Day(), lastDay) {
			t.Fatalf("Add(%s, %dm) = %s: day %d, want %d", from, n, got, got.Day(), min(from.Day(), lastDay))
		}
		if h, m, s := got.Clock(); h != from.Hour() || m != from.Minute() || s != from.Second() {
			t.Fatalf("time of day changed: %s -> %s", from, got)
		}
	})
}

func TestPropertyEarlierIsOneOfAndNotLonger(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		from := genTime(t)
		a, b := genPeriod(t, "a"), genPeriod(t, "b")
		e := deadline.Earlier(from, a, b, nil)
		if e != a && e != b {
			t.Fatalf("Earlier returned %v, neither %v nor %v", e, a, b)
		}
		other := b
		if e == b && e != a {
			other = a
		}
		if deadline.Longer(from, e, other, nil) {
			t.Fatalf("Earlier(%v, %v) = %v ends after %v", a, b, e, other)
		}
	})
}
