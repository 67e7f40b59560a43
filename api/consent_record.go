package api

import (
	"context"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
)

// A consent write is the API's most frequent write. Its body is decoded
// once, here, with the schema's checks made in Go (consentRecordOperation
// skips huma's second pass, which copies the body into a generic map to
// validate it); the OpenAPI document is the one the schema tags describe.

type consentRecordInput struct {
	UserAgent string `header:"User-Agent" doc:"Kept as evidence unless the body names the person's own user agent."`
	Body      consentRecordInputBody
}

type consentRecordInputBody struct {
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
	// invalid is what the schema would have refused, for the handler to
	// answer naming the field (never echoing its value).
	invalid error
}

var (
	consentStateEnum  = tagEnum(reflect.TypeFor[consentRecordInputBody](), "State")
	consentSourceEnum = tagEnum(reflect.TypeFor[consentRecordInputBody](), "Source")
)

// UnmarshalJSON decodes the body in one pass and makes the schema's checks:
// an object of known fields of the right types, state and source present
// and within their enums, every string within its length. An optional
// property given as null counts as absent, as the schema has it.
func (b *consentRecordInputBody) UnmarshalJSON(data []byte) error {
	var raw struct {
		SubjectID    *string `json:"subject_id"`
		CookieID     *string `json:"cookie_id"`
		Purpose      *string `json:"purpose"`
		State        *string `json:"state"`
		Source       *string `json:"source"`
		Jurisdiction *string `json:"jurisdiction"`
		NoticeHash   *string `json:"notice_hash"`
		UserAgent    *string `json:"user_agent"`
		IP           *string `json:"ip"`
		Guardian     *bool   `json:"guardian"`
	}
	invalid, err := decodeOnce(data, &raw)
	if err != nil || invalid != nil {
		b.invalid = invalid
		return err
	}
	for _, f := range []struct {
		name     string
		v        *string
		required bool
		max      int
		enum     []string
		dst      *string
	}{
		{"subject_id", raw.SubjectID, false, 64, nil, &b.SubjectID},
		{"cookie_id", raw.CookieID, false, 128, nil, &b.CookieID},
		{"purpose", raw.Purpose, false, 200, nil, &b.Purpose},
		{"state", raw.State, true, 0, consentStateEnum, &b.State},
		{"source", raw.Source, true, 0, consentSourceEnum, &b.Source},
		{"jurisdiction", raw.Jurisdiction, false, 16, nil, &b.Jurisdiction},
		{"notice_hash", raw.NoticeHash, false, 128, nil, &b.NoticeHash},
		{"user_agent", raw.UserAgent, false, 512, nil, &b.UserAgent},
		{"ip", raw.IP, false, 64, nil, &b.IP},
	} {
		if *f.dst, b.invalid = checkString(f.name, f.v, f.required, f.max, f.enum); b.invalid != nil {
			return nil
		}
	}
	if raw.Guardian != nil {
		b.Guardian = *raw.Guardian
	}
	return nil
}

// consentRecordOperation skips huma's validation of the body: UnmarshalJSON
// makes the same checks.
func consentRecordOperation(op *huma.Operation) { op.SkipValidateBody = true }

type consentEventOutput struct {
	Body *privet.ConsentEvent
}

// consentRecord appends a choice to the consent ledger.
func (s *Server) consentRecord(ctx context.Context, in *consentRecordInput) (*consentEventOutput, error) {
	b := in.Body
	if b.invalid != nil {
		return nil, b.invalid
	}
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
