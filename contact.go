package privet

// Contact is where a person can be told something: the email address and the
// phone number privet may use for a notice, either or both empty. It is
// personal data: it lives in memory for one send and is never logged,
// stored or put in an error.
type Contact struct {
	Email string
	Phone string // E.164 (+ and digits)
}

// Channel is the way a notice reached a person.
type Channel string

// Channels. ChannelNone says the person has no address a notice may use: it
// was not sent, and a caller counts it as "no address".
const (
	ChannelNone  Channel = ""
	ChannelEmail Channel = "email"
	ChannelSMS   Channel = "sms"
)
