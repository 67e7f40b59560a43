package consent

import (
	"context"
	"strings"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// SMSKeyword is what an inbound text message asks for.
type SMSKeyword string

// SMS keywords. SMSNone is any text that is not a keyword: it changes nothing.
const (
	SMSNone  SMSKeyword = ""
	SMSStop  SMSKeyword = "stop"
	SMSStart SMSKeyword = "start"
)

// smsChannel is the policy channel of purposes a text message controls.
const smsChannel = "sms"

// The keywords carriers and the CTIA guidelines treat as opting out and in.
var (
	stopWords  = []string{"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
	startWords = []string{"START", "UNSTOP"}
)

// ParseSMSKeyword reads the first word of a text message, in any case and
// with surrounding spaces or trailing punctuation ("Stop.", " stop please").
// Only the first word counts: "please don't stop" keeps the subscription.
func ParseSMSKeyword(body string) SMSKeyword {
	words := strings.Fields(body)
	if len(words) == 0 {
		return SMSNone
	}
	w := strings.TrimRight(words[0], ".!")
	for _, k := range stopWords {
		if strings.EqualFold(w, k) {
			return SMSStop
		}
	}
	for _, k := range startWords {
		if strings.EqualFold(w, k) {
			return SMSStart
		}
	}
	return SMSNone
}

// SMSResult is the outcome of an inbound text message.
type SMSResult struct {
	Keyword SMSKeyword
	// Reply is the confirmation to text back; empty when the message was no
	// keyword and nothing should be sent.
	Reply string
	// Recorded is how many consent events were appended.
	Recorded int
}

// InboundSMS acts on a text message from a subject: a stop keyword
// withdraws every purpose of the policy on the sms channel, a start keyword
// gives consent to them again, each recorded with source sms_keyword.
// subjectID "" is a number nobody is known by: the reply is the same and
// nothing is recorded, so the sender learns nothing about who is known; a
// subject erased meanwhile is treated the same way.
func (s *Service) InboundSMS(ctx context.Context, actor privet.Actor, tenantID, subjectID, body string) (SMSResult, error) {
	kw := ParseSMSKeyword(body)
	if kw == SMSNone {
		return SMSResult{}, nil
	}
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return SMSResult{}, err
	}
	res := SMSResult{Keyword: kw, Reply: smsReply(pol, kw)}
	if subjectID == "" {
		return res, nil
	}
	state := privet.StateWithdrawn
	if kw == SMSStart {
		state = privet.StateGiven
	}
	for _, purpose := range SMSPurposes(pol) {
		_, err := s.Record(ctx, actor, tenantID, RecordInput{
			Party: Party{SubjectID: subjectID}, Purpose: purpose, State: state, Source: privet.SourceSMSKeyword,
		})
		if privet.ErrorCode(err) == privet.ENOTFOUND && res.Recorded == 0 {
			return res, nil
		}
		if err != nil {
			return SMSResult{}, err
		}
		res.Recorded++
	}
	return res, nil
}

// SMSPurposes lists the keys of the policy's purposes on the sms channel.
func SMSPurposes(pol *policy.Compiled) []string {
	var keys []string
	for _, p := range pol.Policy.Purposes {
		if p.Channel == smsChannel {
			keys = append(keys, p.Key)
		}
	}
	return keys
}

// smsReply is the confirmation text, naming the controller so the person
// knows which sender the keyword applied to.
func smsReply(pol *policy.Compiled, kw SMSKeyword) string {
	name := pol.Policy.Controller.Name
	if name == "" {
		name = pol.Policy.Service
	}
	if kw == SMSStart {
		return "You are resubscribed to " + name + " messages. Reply STOP to unsubscribe."
	}
	return "You are unsubscribed from " + name + " messages. Reply START to resubscribe."
}
