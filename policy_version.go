package privet

import (
	"context"
	"time"
)

// PolicyVersion is one published version of a tenant's policy, as stored:
// the YAML source exactly as published, so the version can be compiled,
// shown and diffed again at any time, and its SHA-256 names it in consent
// events and receipts.
type PolicyVersion struct {
	TenantID string `json:"-"`
	// Version is the policy's own version string (its `version:` key);
	// unique per tenant.
	Version string `json:"version"`
	// Effective is when the version takes effect (UTC midnight of the
	// policy's `effective:` date). Before it, the version is scheduled.
	Effective time.Time `json:"effective"`
	Source    []byte    `json:"-"`
	// SHA256 is the hex SHA-256 of Source: policy.Compiled.Hash.
	SHA256      string    `json:"sha256"`
	PublishedAt time.Time `json:"published_at"`
	// PublishedBy names who published it: an API key id or "admin".
	PublishedBy string `json:"published_by"`
	// Material records that the version changed the one before it materially,
	// so notices were scheduled; RightsReduced that it removed a right and
	// was published with the explicit flag for that.
	Material      bool `json:"material"`
	RightsReduced bool `json:"rights_reduced,omitempty"`
	// ActivatedAt is when the activation job saw the version in effect and
	// ran what its taking effect needs (consent renewal); nil until then.
	ActivatedAt *time.Time `json:"activated_at,omitempty"`
}

// PolicyStore keeps each tenant's published policy versions and the notices
// sent for them. Versions are never updated except to mark them activated.
type PolicyStore interface {
	// CreatePolicyVersion inserts v. ECONFLICT if the tenant already has the
	// version, ENOTFOUND if the tenant does not exist.
	CreatePolicyVersion(ctx context.Context, v *PolicyVersion) error
	// PolicyVersion returns the tenant's version. ENOTFOUND if none.
	PolicyVersion(ctx context.Context, tenantID, version string) (*PolicyVersion, error)
	// PolicyVersions lists the tenant's versions, by effective date and then
	// publication order: the last one whose effective date has passed is the
	// version in force.
	PolicyVersions(ctx context.Context, tenantID string) ([]*PolicyVersion, error)
	// PolicyVersionsPending lists every tenant's versions not yet activated
	// whose effective date is at or before t.
	PolicyVersionsPending(ctx context.Context, t time.Time) ([]*PolicyVersion, error)
	// ActivatePolicyVersion marks the version activated at t, once: false if
	// it already was. ENOTFOUND if none.
	ActivatePolicyVersion(ctx context.Context, tenantID, version string, t time.Time) (bool, error)
	// PolicyChangeStamp is a cheap summary of the tenant's versions that
	// changes whenever one is published: how a cache sees another server's
	// publication. Zero if the tenant has none.
	PolicyChangeStamp(ctx context.Context, tenantID string) (int64, error)
	// RecordPolicyNotice records that the subject was sent the notice of the
	// version at t: false if it was recorded already.
	RecordPolicyNotice(ctx context.Context, tenantID, version, subjectID string, t time.Time) (bool, error)
	// PolicyNoticeSent reports whether the subject was sent the version's notice.
	PolicyNoticeSent(ctx context.Context, tenantID, version, subjectID string) (bool, error)
}
