package consent

import (
	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// WithdrawnJob is the follow-up of a known subject's withdrawal that a
// retention rule of the policy waits for (trigger consent_withdrawn): it is
// enqueued in the transaction that records the withdrawal, so the data's
// deletion is scheduled if and only if the withdrawal committed. Its
// arguments are ids and a purpose key, never personal data.
type WithdrawnJob struct {
	TenantID  string `json:"tenant_id"`
	SubjectID string `json:"subject_id"`
	Purpose   string `json:"purpose"`
}

// Kind names the job.
func (WithdrawnJob) Kind() string { return "consent.withdrawn" }

// withdrawalFollowUp returns the job a withdrawal needs, or nil when no
// retention rule of the policy is triggered by it.
func withdrawalFollowUp(pol *policy.Compiled, ev *privet.ConsentEvent) privet.Job {
	if ev.SubjectID == "" || ev.State != privet.StateWithdrawn || len(pol.RulesForPurpose(ev.Purpose, policy.TriggerConsentWithdrawn)) == 0 {
		return nil
	}
	return WithdrawnJob{TenantID: ev.TenantID, SubjectID: ev.SubjectID, Purpose: ev.Purpose}
}
