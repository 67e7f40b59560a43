package policy

import (
	"strconv"
	"strings"

	"github.com/privet-dev/privet/deadline"
)

// The notice is read by people, not engineers: these helpers turn the
// format's keys into words. Unknown values fall back to the key itself, so a
// new enum value shows up in the notice instead of vanishing.

func wordFor(table map[string]string, key string) string {
	if w, ok := table[key]; ok {
		return w
	}
	return strings.ReplaceAll(key, "_", " ")
}

func basisWords(b string) string {
	return wordFor(map[string]string{
		"consent":              "your consent",
		"contract":             "the performance of our contract with you",
		"legal_obligation":     "a legal obligation",
		"vital_interests":      "the protection of vital interests",
		"public_task":          "a task in the public interest",
		"legitimate_interests": "our legitimate interests",
	}, b)
}

func mechanismWords(m string) string {
	return wordFor(map[string]string{
		OptIn:  "only after you opt in",
		OptOut: "until you opt out",
		Notice: "on notice, without a choice",
	}, m)
}

func withdrawWords(w string) string {
	return wordFor(map[string]string{
		"privacy_center":   "the privacy center",
		"email_link":       "the unsubscribe link in every email",
		"sms_keyword":      "replying STOP to a text message",
		"email":            "writing to us by email",
		"account_settings": "your account settings",
		"banner":           "the cookie banner",
	}, w)
}

func sourceWords(s string) string {
	return wordFor(map[string]string{
		"subject":     "you",
		"client":      "your employer or our business customer",
		"third_party": "third parties",
		"automatic":   "collected automatically",
		"public":      "public sources",
	}, s)
}

func recipientTypeWords(t string) string {
	return wordFor(map[string]string{
		"processor":   "Service providers (processors acting on our instructions)",
		"third_party": "Third parties",
		"affiliate":   "Affiliates and partners",
		"authority":   "Public authorities",
	}, t)
}

func transferWords(t string) string {
	return wordFor(map[string]string{
		"adequacy":      "an adequacy decision",
		"scc":           "standard contractual clauses",
		"bcr":           "binding corporate rules",
		"certification": "a certification",
		"consent":       "your explicit consent",
		"derogation":    "a derogation for specific situations",
	}, t)
}

func triggerWords(t string) string {
	return wordFor(map[string]string{
		"collected":          "after collection",
		"last_activity":      "after your last activity",
		"account_closed":     "after the account is closed",
		"consent_withdrawn":  "after consent is withdrawn",
		"relationship_ended": "after our relationship ends",
		"request_completed":  "after the request is completed",
	}, t)
}

func actionWords(a string) string {
	return wordFor(map[string]string{
		"delete":    "deleted",
		"anonymize": "anonymized",
		"aggregate": "aggregated",
	}, a)
}

func recordWords(r string) string {
	return wordFor(map[string]string{
		"consent_events":  "records of your consent choices",
		"audit_events":    "the audit log",
		"export_packages": "prepared data exports",
		"closed_requests": "closed privacy requests",
	}, r)
}

func exceptionWords(e string) string {
	return wordFor(map[string]string{
		"legal_obligation": "a legal obligation",
		"legal_claims":     "legal claims",
		"tax":              "tax and accounting rules",
		"legal_hold":       "a legal hold",
	}, e)
}

func rightWords(r string) string {
	return wordFor(map[string]string{
		"access":                 "access a copy of your data",
		"portability":            "receive your data in a portable format",
		"rectification":          "correct your data",
		"erasure":                "have your data deleted",
		"restriction":            "restrict processing",
		"objection":              "object to processing",
		"opt_out_sale":           "opt out of the sale of your data",
		"opt_out_sharing":        "opt out of sharing for cross-context advertising",
		"opt_out_targeted_ads":   "opt out of targeted advertising",
		"limit_sensitive":        "limit the use of sensitive data",
		"withdraw_consent":       "withdraw consent",
		"know":                   "know what we collect, use and disclose",
		"shine_the_light":        "learn what we disclosed for direct marketing (Shine the Light)",
		"appeal":                 "appeal our decision on your request",
		"no_automated_decisions": "not be subject to automated decisions",
		"complaint":              "complain to a supervisory authority",
	}, r)
}

func noticeWords(n string) string {
	return wordFor(map[string]string{"email": "by email", "site": "on our website", "in_app": "in the app"}, n)
}

func cookieCategoryWords(c string) string {
	return wordFor(map[string]string{
		"essential":   "Essential",
		"analytics":   "Analytics",
		"preference":  "Preferences",
		"advertising": "Advertising",
		"security":    "Security",
	}, c)
}

// periodWords spells a period for people: "180 days", "10 business days".
// An unparsable period is shown as written.
func periodWords(s string) string {
	p, err := deadline.ParsePeriod(s)
	if err != nil {
		return s
	}
	return periodText(p)
}

func periodText(p deadline.Period) string {
	unit := map[deadline.Unit]string{
		deadline.Days: "day", deadline.BusinessDays: "business day", deadline.Weeks: "week",
		deadline.Months: "month", deadline.Years: "year", deadline.Hours: "hour",
	}[p.Unit]
	if unit == "" {
		return p.String()
	}
	if p.N != 1 {
		unit += "s"
	}
	return strconv.Itoa(p.N) + " " + unit
}

// list joins words as in a sentence: "a", "a and b", "a, b and c".
func list(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// orList joins alternatives: "a or b", "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return list(words)
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

func mapWords(keys []string, f func(string) string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = f(k)
	}
	return out
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
