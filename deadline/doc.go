// Package deadline does the date arithmetic behind legal deadlines: response
// periods for rights requests, retention periods and opt-out windows.
//
// Laws count time in different units (one month, 45 days, 10 business days,
// 72 hours), and a month is not 30 days: GDPR's "one month" from 31 January
// ends on the last day of February. Period keeps the unit the law used, so
// the arithmetic is done in that unit instead of being approximated in days.
package deadline
