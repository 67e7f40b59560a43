package client

import (
	"context"
	"net/http"

	"github.com/privet-dev/privet"
)

// Reason codes a decision gives; the server's list is authoritative.
const (
	ReasonConsentGiven = "consent_given"
	ReasonNoConsent    = "no_consent"
	ReasonRefused      = "refused"
	ReasonWithdrawn    = "withdrawn"
	ReasonNotFound     = "not_found" // batch only: no such subject
)

// Decision answers whether a purpose may be used for a person now.
type Decision struct {
	SubjectID string `json:"subject_id,omitempty"`
	Purpose   string `json:"purpose"`
	Allowed   bool   `json:"allowed"`
	Reason    string `json:"reason"`
	Basis     string `json:"lawful_basis,omitempty"`
	Mechanism string `json:"mechanism,omitempty"`
}

type decideRequest struct {
	SubjectID    string `json:"subject_id,omitempty"`
	CookieID     string `json:"cookie_id,omitempty"`
	Purpose      string `json:"purpose"`
	Jurisdiction string `json:"jurisdiction,omitempty"`
}

// Decide asks whether purpose may be used for the subject now.
// ENOTFOUND for an unknown subject, EINVALID (field "purpose") for a purpose
// the policy does not declare.
func (c *Client) Decide(ctx context.Context, subjectID, purpose string) (Decision, error) {
	var d Decision
	err := c.do(ctx, http.MethodPost, "/v1/decisions", decideRequest{SubjectID: subjectID, Purpose: purpose}, &d)
	return d, err
}

// DecideVisitor asks about a visitor known only by its banner cookie id,
// in the jurisdiction the app places it ("" for the policy's default).
func (c *Client) DecideVisitor(ctx context.Context, cookieID, purpose, jurisdiction string) (Decision, error) {
	var d Decision
	err := c.do(ctx, http.MethodPost, "/v1/decisions",
		decideRequest{CookieID: cookieID, Purpose: purpose, Jurisdiction: jurisdiction}, &d)
	return d, err
}

// DecideBatch decides one purpose for many subjects, one decision per id in
// the order given; an unknown id is not allowed, with ReasonNotFound. Long
// lists are sent in several requests of the client's batch size.
func (c *Client) DecideBatch(ctx context.Context, purpose string, ids []string) ([]Decision, error) {
	out := make([]Decision, 0, len(ids))
	for start := 0; start < len(ids); start += c.batchSize {
		chunk := ids[start:min(start+c.batchSize, len(ids))]
		var resp struct {
			Decisions []Decision `json:"decisions"`
		}
		req := struct {
			Purpose    string   `json:"purpose"`
			SubjectIDs []string `json:"subject_ids"`
		}{purpose, chunk}
		if err := c.do(ctx, http.MethodPost, "/v1/decisions/batch", req, &resp); err != nil {
			return nil, err
		}
		if len(resp.Decisions) != len(chunk) {
			return nil, privet.Errorf(privet.EINTERNAL, "client: the server answered %d decisions for %d ids", len(resp.Decisions), len(chunk))
		}
		out = append(out, resp.Decisions...)
	}
	return out, nil
}
