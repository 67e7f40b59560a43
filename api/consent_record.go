package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
)

type consentRecordInput struct {
	UserAgent string `header:"User-Agent" doc:"Kept as evidence unless the body names the person's own user agent."`
	Body      struct {
		SubjectID    string `json:"subject_id,omitempty" maxLength:"64" doc:"The subject; or name a cookie id, or both to link them."`
		CookieID     string `json:"cookie_id,omitempty" maxLength:"128" doc:"The visitor's cookie id; only its blind index is kept."`
		Purpose      string `json:"purpose,omitempty" maxLength:"200" doc:"The purpose; a gpc_signal or dnt_signal may leave it empty."`
		State        string `json:"state" enum:"given,refused,withdrawn,expired,needs_renewal" doc:"The choice."`
		Source       string `json:"source" enum:"banner,api,email_link,sms_keyword,gpc_signal,dnt_signal,admin,import" doc:"Where the choice was made."`
		Jurisdiction string `json:"jurisdiction,omitempty" maxLength:"16" doc:"Where the person is; defaults to the subject's."`
		NoticeHash   string `json:"notice_hash,omitempty" maxLength:"128" doc:"SHA-256 of the notice text shown."`
		UserAgent    string `json:"user_agent,omitempty" maxLength:"512" doc:"The person's user agent, when the app relays the choice."`
		IP           string `json:"ip,omitempty" maxLength:"64" doc:"The person's IP address; only its /24 or /48 network is kept."`
		Guardian     bool   `json:"guardian,omitempty" doc:"A parent or guardian gave the choice for a child."`
	}
}

type consentEventOutput struct {
	Body *privet.ConsentEvent
}

// consentRecord appends a choice to the consent ledger.
func (s *Server) consentRecord(ctx context.Context, in *consentRecordInput) (*consentEventOutput, error) {
	b := in.Body
	ua := b.UserAgent
	if ua == "" {
		ua = in.UserAgent
	}
	ev, err := s.cfg.Consent.Record(ctx, actor(APIKey(ctx)), TenantID(ctx), consent.RecordInput{
		Party:   consent.Party{SubjectID: b.SubjectID, CookieID: b.CookieID},
		Purpose: b.Purpose, State: privet.ConsentState(b.State), Source: privet.ConsentSource(b.Source),
		Jurisdiction: b.Jurisdiction, NoticeHash: b.NoticeHash, UserAgent: ua, IP: b.IP, Guardian: b.Guardian,
	})
	if err != nil {
		return nil, err
	}
	return &consentEventOutput{Body: ev}, nil
}
