package client

import (
	"context"
	"net/http"

	"github.com/privet-dev/privet"
)

// RecordInput is one choice to record. Name a subject, a visitor's cookie
// id, or both to link the visitor to the subject.
type RecordInput struct {
	SubjectID string `json:"subject_id,omitempty"`
	CookieID  string `json:"cookie_id,omitempty"`
	// Purpose may be empty only for a privet.SourceGPC signal.
	Purpose string               `json:"purpose,omitempty"`
	State   privet.ConsentState  `json:"state"`
	Source  privet.ConsentSource `json:"source"`
	// Jurisdiction defaults to the subject's.
	Jurisdiction string `json:"jurisdiction,omitempty"`
	// NoticeHash is the SHA-256 (hex) of the notice the person saw.
	NoticeHash string `json:"notice_hash,omitempty"`
	// UserAgent and IP are the person's, kept as evidence; only the IP's
	// network is stored.
	UserAgent string `json:"user_agent,omitempty"`
	IP        string `json:"ip,omitempty"`
	Guardian  bool   `json:"guardian,omitempty"`
}

// Record appends a choice to the consent ledger and returns the event.
func (c *Client) Record(ctx context.Context, in RecordInput) (*privet.ConsentEvent, error) {
	var ev privet.ConsentEvent
	if err := c.do(ctx, http.MethodPost, "/v1/consents", in, &ev); err != nil {
		return nil, err
	}
	return &ev, nil
}
