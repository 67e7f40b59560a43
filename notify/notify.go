// Package notify sends what privet has to tell people and other systems:
// email through an SMTP server, text messages through a signed webhook. The
// services above it (requests, retention, incidents) build a Message and hand
// it to a Sender; they never learn how it travels.
package notify

import "context"

// Message is one email. Text is required; HTML is optional and, when set,
// is sent as the alternative part. Headers adds headers such as
// List-Unsubscribe.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
	Headers map[string]string
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
