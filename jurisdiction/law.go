package jurisdiction

import (
	"slices"

	"github.com/privet-dev/privet/deadline"
)

// RepeatLimit caps how often a person may make the same request before the
// controller may refuse it or charge for it.
type RepeatLimit struct {
	Count  int
	Window deadline.Period
}

// Law is one privacy law as the engine applies it.
type Law struct {
	Key                          string // "EU", "UK", "US-CA", ...; "US" means no general law
	Name                         string
	Rights                       []Right
	Response                     deadline.Period // deadline to answer a rights request
	Extension                    deadline.Period // the most Response may be extended by; zero if none
	ReceiptConfirmation          deadline.Period // deadline to confirm receipt; zero if not required
	OptOutDeadline               deadline.Period // deadline to act on an opt-out of sale, sharing or targeted ads; zero if none
	UnsubscribeDeadline          deadline.Period // deadline to honour an unsubscribe from marketing email; zero if the law sets none
	ConsentAge                   int             // age of digital consent by default
	MinConsentAge, MaxConsentAge int             // the range a policy may choose within; equal when fixed
	RepeatLimits                 map[Right]RepeatLimit
	HonourGPC                    bool // universal opt-out signals (Global Privacy Control) must be honoured
	// OptInRequired lists taxonomy key prefixes that need opt-in consent
	// by law: purposes (data uses, e.g. marketing.communications.email) and
	// categories (e.g. user.health for sensitive data). The two fideslang
	// trees have disjoint roots (user./system. against the uses), so one
	// list serves both; NeedsOptIn matches a key against it.
	OptInRequired        []string
	PausesForInformation bool   // the response clock pauses while waiting for information asked for
	Complaint            string // where a person may complain
	Appeal               bool   // a denial must offer an appeal
	CrossBorderConsent   bool   // a transfer abroad needs separate consent
	// Breach is what the law asks after a personal data breach; nil where
	// privet knows no breach rule for the place.
	Breach *BreachRule
	// Citations maps a field name ("Response", "ConsentAge", ...) and, for
	// each granted right, "Right.<right>" to the article or section it
	// comes from, so notices and request emails can cite the law.
	Citations map[string]string
}

// Grants reports whether the law gives r.
func (l *Law) Grants(r Right) bool { return slices.Contains(l.Rights, r) }

// NeedsOptIn reports whether the law requires opt-in consent for purpose,
// i.e. purpose equals or falls under one of OptInRequired.
func (l *Law) NeedsOptIn(purpose string) bool {
	for _, p := range l.OptInRequired {
		if purpose == p || (len(purpose) > len(p) && purpose[:len(p)] == p && purpose[len(p)] == '.') {
			return true
		}
	}
	return false
}

// clone returns a deep copy, so callers can never change the table.
func (l *Law) clone() *Law {
	c := *l
	c.Rights = slices.Clone(l.Rights)
	c.OptInRequired = slices.Clone(l.OptInRequired)
	if l.Breach != nil {
		b := *l.Breach
		c.Breach = &b
	}
	if l.RepeatLimits != nil {
		c.RepeatLimits = make(map[Right]RepeatLimit, len(l.RepeatLimits))
		for k, v := range l.RepeatLimits {
			c.RepeatLimits[k] = v
		}
	}
	if l.Citations != nil {
		c.Citations = make(map[string]string, len(l.Citations))
		for k, v := range l.Citations {
			c.Citations[k] = v
		}
	}
	return &c
}
