package vault

import (
	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// EmailCategory is the data category of email addresses.
const EmailCategory = "user.contact.email"

// NoticePurposes are the data uses a notice to a person (a breach notice,
// the answer to their request) falls under, most specific first: telling
// people is a legal obligation (GDPR Art. 12 and 34) and a service
// notification.
var NoticePurposes = []string{
	"essential.legal_obligation",
	"essential.service.notifications.email",
	"essential.service.notifications",
	"essential.service.security",
	"essential.service",
	"essential",
}

// NoticePurpose returns the purpose under which a person's email address is
// read to send them a notice: chosen if set (EINVALID if the policy does
// not let it read email addresses), else the first of NoticePurposes the
// policy lets read them (EINVALID if none may). The services that write to
// people share it, so they all read addresses under the same rule.
func NoticePurpose(pol *policy.Compiled, chosen string) (string, error) {
	if chosen != "" {
		if !pol.MayRead(chosen, EmailCategory) {
			return "", privet.Errorf(privet.EINVALID, "the notice purpose may not read email addresses under the policy")
		}
		return chosen, nil
	}
	for _, p := range NoticePurposes {
		if pol.MayRead(p, EmailCategory) {
			return p, nil
		}
	}
	return "", privet.Errorf(privet.EINVALID, "no purpose of the policy may read email addresses to send a notice")
}

// EmailOf returns the person's email address: the email identity, else the
// first field of the email category; "" if the view holds none.
func EmailOf(v *SubjectView) string {
	for _, id := range v.Identities {
		if id.Type == privet.IdentityEmail && id.Value != "" {
			return id.Value
		}
	}
	for _, f := range v.Fields {
		if f.Category == EmailCategory && f.Value != "" {
			return f.Value
		}
	}
	return ""
}
