// Package notify sends what privet has to tell people and other systems:
// email through an SMTP server, text messages through a signed webhook. The
// services above it (requests, retention, incidents) build a Message and hand
// it to a Sender, or to a Reacher that picks the channel a person can be
// reached by; they never learn how it travels.
package notify

import "context"

// Message is one email. Text is required; HTML is optional and, when set,
// is sent as the alternative part. Headers adds headers such as
// List-Unsubscribe. SMS is the same notice as a short text message (a few
// hundred characters), for a person privet can reach by phone only; a
// Sender ignores it, a Reacher sends it when there is no email address.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
	Headers map[string]string
	SMS     string
}

// Sender delivers email. Send returns only once the server has accepted the
// message, so a caller that records "sent" after Send is telling the truth.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMSSender delivers a text message.
type SMSSender interface {
	SendSMS(ctx context.Context, to, text string) error
}
