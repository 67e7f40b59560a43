package notify

import (
	"context"
	"errors"
	"strings"

	"github.com/privet-dev/privet"
)

// Contacts reads where a subject can be told something, under a purpose
// the policy must let read contact data (*vault.Service fits). ENOTFOUND
// for a subject erased, EFORBIDDEN for one restricted against the purpose.
type Contacts interface {
	Contact(ctx context.Context, actor privet.Actor, tenantID, subjectID, purpose string) (privet.Contact, error)
}

// Reacher tells one person something by a channel they can be reached by:
// email when the subject has an email address the purpose may read, else a
// text message when it has a phone number, else nobody is told and the
// caller counts the subject as having no address. The notices that must
// reach everyone (a wind-down, a breach, a disclosure to an authority) all
// go through it, so they choose the channel by one rule.
//
// A person with an email address is texted only when no email sender is
// configured; a person with an address but no sender configured for any of
// its channels is ErrNoSender (EUNAVAILABLE), so the caller can wait for
// one (a job retries) or count the person as not reached yet. Nothing
// about the person reaches an error: codes and channels only.
type Reacher struct {
	Contacts Contacts
	Mail     Sender
	SMS      SMSSender
}

// ErrNoSender is Reach's error for a person whose addresses need a sender
// that is not configured (a phone number, and no SMS webhook). Its code is
// EUNAVAILABLE; errors.Is tells it from other EUNAVAILABLE errors.
var ErrNoSender error = noSender{err: &privet.Error{Code: privet.EUNAVAILABLE,
	Message: "no sender is configured for the subject's channels (email or text message)"}}

// noSender is ErrNoSender's type: an error of its own around a
// *privet.Error, since errors.Is matches any two privet errors of one code.
type noSender struct{ err *privet.Error }

func (e noSender) Error() string { return e.err.Error() }
func (e noSender) Unwrap() error { return e.err }

// Reach reads subjectID's contact for purpose, as actor, and sends m (its
// To is set here) by the channel chosen. It returns the channel, or
// privet.ChannelNone with no error when the subject has no address the
// purpose may read, is erased, or is restricted against the purpose.
func (r *Reacher) Reach(ctx context.Context, actor privet.Actor, tenantID, subjectID, purpose string, m Message) (privet.Channel, error) {
	if r == nil || r.Contacts == nil {
		return privet.ChannelNone, privet.Errorf(privet.EUNAVAILABLE, "notices need the vault to read contacts")
	}
	c, err := r.Contacts.Contact(ctx, actor, tenantID, subjectID, purpose)
	switch privet.ErrorCode(err) {
	case "":
	case privet.ENOTFOUND, privet.EFORBIDDEN:
		// Erased since, or restricted against this use: nobody may be told.
		return privet.ChannelNone, nil
	default:
		return privet.ChannelNone, err
	}
	channel := r.Channel(c)
	switch channel {
	case privet.ChannelEmail:
		m.To = c.Email
		if err := r.Mail.Send(ctx, m); err != nil {
			return channel, Refusal(err, "the mail server", "")
		}
	case privet.ChannelSMS:
		if strings.TrimSpace(m.SMS) == "" {
			return channel, privet.FieldError("sms", "the notice has no text message form")
		}
		if err := r.SMS.SendSMS(ctx, c.Phone, m.SMS); err != nil {
			return channel, Refusal(err, "the text message gateway", "")
		}
	case privet.ChannelNone:
		if c.Email != "" || c.Phone != "" {
			return channel, ErrNoSender
		}
	}
	return channel, nil
}

// Channel is the channel Reach uses for contact c with the senders r has:
// email first, a text message next, else none.
func (r *Reacher) Channel(c privet.Contact) privet.Channel {
	switch {
	case c.Email != "" && r.Mail != nil:
		return privet.ChannelEmail
	case c.Phone != "" && r.SMS != nil:
		return privet.ChannelSMS
	}
	return privet.ChannelNone
}

// Refusal is what a refused send reports: an EINVALID error keeps its
// field (never a value); anything else is EUNAVAILABLE, retried by the job,
// with a DeliveryError's stage and codes but never a server's reply, which
// may quote the address. via names the sender ("the mail server"); notice,
// if not empty, the kind of notice. A nil err stays nil.
func Refusal(err error, via, notice string) error {
	what := "a notice"
	if notice != "" {
		what = "a " + notice + " notice"
	}
	var de *DeliveryError
	switch {
	case err == nil:
		return nil
	case privet.ErrorCode(err) == privet.EINVALID:
		return err
	case errors.As(err, &de):
		return privet.Errorf(privet.EUNAVAILABLE, "%s did not accept %s: %s", via, what, de.Error())
	}
	return privet.Errorf(privet.EUNAVAILABLE, "%s did not accept %s", via, what)
}

// Short returns free text s on one line, cut to at most n characters at a
// word boundary, with an ellipsis when cut: a text message has room for the
// gist of what an email says in full.
func Short(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n-1])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}
