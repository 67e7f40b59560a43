package deadline

import "time"

// Calendar says which days are business days. Weekends are never business
// days; a Calendar adds the public holidays of a place.
type Calendar interface {
	IsHoliday(t time.Time) bool
}

// NoHolidays is a calendar where every weekday is a business day.
type NoHolidays struct{}

// IsHoliday always reports false.
func (NoHolidays) IsHoliday(time.Time) bool { return false }

// Holidays is a calendar of holiday dates keyed "YYYY-MM-DD", as a policy
// lists them. The date is read in t's own location.
type Holidays map[string]bool

// IsHoliday reports whether t's date is listed.
func (h Holidays) IsHoliday(t time.Time) bool { return h[t.Format(time.DateOnly)] }

// IsBusinessDay reports whether t falls on a weekday that cal does not list
// as a holiday. A nil cal has no holidays.
func IsBusinessDay(t time.Time, cal Calendar) bool {
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return cal == nil || !cal.IsHoliday(t)
}
