package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/identity"
	"github.com/privet-dev/privet/vault"
)

type smsInboundInput struct {
	Body struct {
		From   string `json:"from" maxLength:"64" doc:"The sender's number, E.164 (+14155550100) or national with region."`
		Region string `json:"region,omitempty" maxLength:"2" doc:"ISO 3166-1 alpha-2 region of a national number."`
		Text   string `json:"body" maxLength:"1600" doc:"The text of the message."`
	}
}

type smsInboundOutput struct {
	Body struct {
		Reply string `json:"reply" doc:"The confirmation to text back; empty when nothing should be sent."`
	}
}

// smsInbound acts on a text message the SMS provider relays: STOP and its
// synonyms withdraw every sms purpose, START and UNSTOP give them again.
// The reply is the same whether or not the number belongs to a known
// subject, so the answer reveals nothing about who is known.
func (s *Server) smsInbound(ctx context.Context, in *smsInboundInput) (*smsInboundOutput, error) {
	out := &smsInboundOutput{}
	b := in.Body
	if consent.ParseSMSKeyword(b.Text) == consent.SMSNone {
		return out, nil
	}
	phone, err := identity.NormalizePhone(b.From, b.Region)
	if err != nil {
		return nil, privet.FieldError("from", "not a valid phone number")
	}
	tenantID := TenantID(ctx)
	subjectID, err := s.cfg.Vault.Lookup(ctx, tenantID, vault.IdentityInput{Type: privet.IdentityPhone, Value: phone})
	if privet.ErrorCode(err) == privet.ENOTFOUND {
		subjectID, err = "", nil
	}
	if err != nil {
		return nil, err
	}
	res, err := s.cfg.Consent.InboundSMS(ctx, actor(APIKey(ctx)), tenantID, subjectID, b.Text)
	if err != nil {
		return nil, err
	}
	out.Body.Reply = res.Reply
	return out, nil
}
