package main

import (
	"net/http"
	"testing"
)

// CIPO Cloud Software (examples/cipo-cloud): every promise of its privacy
// policy, by id (PROMISES.md C1-C15).
func TestScenarioCIPOCloud(t *testing.T) {
	const service = "cipo-cloud"
	s := newScenario(t, service)

	promise(t, service, "C3", func(t *testing.T) {
		// EU marketing email needs opt-in; elsewhere it runs until an opt-out.
		eu := s.subject(map[string]any{"jurisdiction": "DE",
			"identities": []map[string]any{{"type": "email", "value": "eu@example.com"}}})
		us := s.subject(map[string]any{"jurisdiction": "US-TX",
			"identities": []map[string]any{{"type": "email", "value": "us@example.com"}}})
		decide := func(subject string) bool {
			out := s.must(http.StatusOK, "POST", "/v1/decisions", map[string]any{"subject_id": subject, "purpose": "marketing.communications.email"})
			allowed, _ := out["allowed"].(bool)
			return allowed
		}
		if decide(eu) {
			t.Error("EU marketing email allowed without opt-in")
		}
		if !decide(us) {
			t.Error("US marketing email denied before any opt-out")
		}
		s.must(http.StatusCreated, "POST", "/v1/consents", map[string]any{"subject_id": us, "purpose": "marketing.communications.email", "state": "withdrawn", "source": "email_link"})
		if decide(us) {
			t.Error("US marketing email allowed after the opt-out")
		}
		s.must(http.StatusCreated, "POST", "/v1/consents", map[string]any{"subject_id": eu, "purpose": "marketing.communications.email", "state": "given", "source": "banner"})
		if !decide(eu) {
			t.Error("EU marketing email denied after opt-in")
		}
	})
}
