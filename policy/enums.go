package policy

// enums lists the allowed values of every closed set in the policy format,
// keyed by a name the validator and the JSON Schema test share, so the two
// cannot disagree. A function rather than a variable keeps it immutable.
func enums() map[string][]string {
	return map[string][]string{
		"role":         {"controller", "processor"},
		"basis":        {"consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"},
		"mechanism":    {"opt_in", "opt_out", "notice"},
		"withdraw":     {"privacy_center", "email_link", "sms_keyword", "email", "account_settings", "banner"},
		"channel":      {"email", "sms", "push", "post"},
		"source":       {"subject", "client", "third_party", "automatic", "public"},
		"mask":         {"email", "phone", "id", "name", "full"},
		"recipient":    {"processor", "third_party", "affiliate", "authority"},
		"transfer":     {"adequacy", "scc", "bcr", "certification", "consent", "derogation"},
		"trigger":      {"collected", "last_activity", "account_closed", "consent_withdrawn", "relationship_ended", "request_completed"},
		"action":       {"delete", "anonymize", "aggregate"},
		"exception":    {"legal_obligation", "legal_claims", "tax", "legal_hold"},
		"record":       {"consent_events", "audit_events", "export_packages", "closed_requests"},
		"cookie":       {"essential", "analytics", "preference", "advertising", "security"},
		"children":     {"delete", "restrict", "guardian_consent"},
		"notice":       {"email", "site", "in_app"},
		"request_type": {"access", "portability", "rectification", "erasure", "restriction", "objection", "opt_out_sale", "opt_out_sharing", "opt_out_targeted_ads", "limit_sensitive", "withdraw_consent", "know", "shine_the_light", "appeal", "no_automated_decisions", "complaint"},
	}
}

// Mechanisms, in order of strength: opt_in asks first, opt_out lets people
// refuse, notice only tells them.
const (
	OptIn  = "opt_in"
	OptOut = "opt_out"
	Notice = "notice"
)

// BasisConsent is the lawful basis that makes a purpose depend on consent.
const BasisConsent = "consent"

// Wildcard is the key of per-jurisdiction maps that applies wherever no more
// specific key does.
const Wildcard = "*"

func inEnum(name, v string) bool {
	for _, e := range enums()[name] {
		if e == v {
			return true
		}
	}
	return false
}
