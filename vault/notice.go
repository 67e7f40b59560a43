package vault

import (
	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/identity"
	"github.com/privet-dev/privet/policy"
)

// The data categories of the addresses a notice is sent to.
const (
	EmailCategory = "user.contact.email"
	PhoneCategory = "user.contact.phone_number"
)

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

// NoticePurpose returns the purpose under which a person's contact (email
// address, phone number) is read to send them a notice: chosen if set
// (EINVALID if the policy lets it read neither), else the first of
// NoticePurposes that may read email addresses, else the first that may
// read phone numbers (EINVALID if none may read either). The order of
// NoticePurposes is kept (a legal obligation first, which often goes on
// while processing is restricted), and email comes first so a service that
// writes by email keeps doing so; a service that knows people by mobile
// number alone still gets a purpose to text them under. The services that
// write to people share it, so they all read addresses under the same rule.
func NoticePurpose(pol *policy.Compiled, chosen string) (string, error) {
	if chosen != "" {
		if !pol.MayRead(chosen, EmailCategory) && !pol.MayRead(chosen, PhoneCategory) {
			return "", privet.Errorf(privet.EINVALID, "the notice purpose may read neither email addresses nor phone numbers under the policy")
		}
		return chosen, nil
	}
	for _, category := range []string{EmailCategory, PhoneCategory} {
		for _, p := range NoticePurposes {
			if pol.MayRead(p, category) {
				return p, nil
			}
		}
	}
	return "", privet.Errorf(privet.EINVALID, "no purpose of the policy may read email addresses or phone numbers to send a notice")
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

// PhoneOf returns the person's phone number in E.164: the phone identity,
// else the first field of the phone category that is a number in
// international form; "" if the view holds none.
func PhoneOf(v *SubjectView) string {
	for _, id := range v.Identities {
		if id.Type == privet.IdentityPhone {
			if n, err := identity.NormalizePhone(id.Value, ""); err == nil {
				return n
			}
		}
	}
	for _, f := range v.Fields {
		if f.Category == PhoneCategory {
			if n, err := identity.NormalizePhone(f.Value, ""); err == nil {
				return n
			}
		}
	}
	return ""
}

// ContactOf returns where the view says the person can be told something.
func ContactOf(v *SubjectView) privet.Contact {
	return privet.Contact{Email: EmailOf(v), Phone: PhoneOf(v)}
}
