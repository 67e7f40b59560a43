package policies

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// Version statuses, as of the clock's now.
const (
	StatusScheduled  = "scheduled"  // takes effect later
	StatusInForce    = "in_force"   // the version served now
	StatusSuperseded = "superseded" // a later version is in force
)

// VersionView is a published version with its status. Source is set only
// when one version is read.
type VersionView struct {
	*privet.PolicyVersion
	Status string `json:"status"`
	Source string `json:"source,omitempty"`
}

// Versions lists the tenant's published versions by effective date, each
// with its status now; none when the tenant serves the configured policy.
func (s *Service) Versions(ctx context.Context, tenantID string) ([]VersionView, error) {
	var stored []*privet.PolicyVersion
	if err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		stored, err = tx.PolicyVersions(ctx, tenantID)
		return err
	}); err != nil {
		return nil, err
	}
	return views(stored, s.now()), nil
}

func views(stored []*privet.PolicyVersion, now time.Time) []VersionView {
	out := make([]VersionView, len(stored))
	inForce := -1
	for i, v := range stored {
		out[i] = VersionView{PolicyVersion: v, Status: StatusScheduled}
		if !v.Effective.After(now) {
			inForce = i
		}
	}
	for i := 0; i <= inForce; i++ {
		out[i].Status = StatusSuperseded
	}
	if inForce >= 0 {
		out[inForce].Status = StatusInForce
	}
	return out
}

// Version returns one version with its source. ENOTFOUND if the tenant has
// no such version.
func (s *Service) Version(ctx context.Context, tenantID, version string) (*VersionView, error) {
	all, err := s.Versions(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	for _, v := range all {
		if v.Version == version {
			v.Source = string(v.PolicyVersion.Source)
			return &v, nil
		}
	}
	return nil, &privet.Error{Code: privet.ENOTFOUND, Message: "no such policy version", Field: "version"}
}

// Diff lists what changed from one of the tenant's versions to another,
// each change marked material or not (policy.Material). ENOTFOUND (naming
// the field) if either version does not exist.
func (s *Service) Diff(ctx context.Context, tenantID, from, to string) ([]policy.Change, error) {
	var a, b *privet.PolicyVersion
	err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		if a, err = tx.PolicyVersion(ctx, tenantID, from); err != nil {
			return missing(err, "from")
		}
		if b, err = tx.PolicyVersion(ctx, tenantID, to); err != nil {
			return missing(err, "to")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	old, err := s.compiled(a)
	if err != nil {
		return nil, err
	}
	next, err := s.compiled(b)
	if err != nil {
		return nil, err
	}
	changes := policy.Diff(old, next)
	if changes == nil {
		changes = []policy.Change{}
	}
	return changes, nil
}

// missing names the field of a version not found; other errors pass.
func missing(err error, field string) error {
	if privet.ErrorCode(err) == privet.ENOTFOUND {
		return &privet.Error{Code: privet.ENOTFOUND, Message: "no such policy version", Field: field}
	}
	return err
}

// PolicyAnnouncement is what a site shows of a tenant's policy changes (P16):
// the version in force and the versions scheduled, with their material
// changes. It holds nothing about any person.
type PolicyAnnouncement struct {
	InForce  AnnouncedVersion   `json:"in_force"`
	Upcoming []AnnouncedVersion `json:"upcoming"`
}

// AnnouncedVersion is one version as announced.
type AnnouncedVersion struct {
	Version   string    `json:"version"`
	Effective time.Time `json:"effective"`
	SHA256    string    `json:"sha256"`
	Material  bool      `json:"material"`
	// Changes are its material changes against the version before it.
	Changes []policy.Change `json:"changes,omitempty"`
}

// Announce returns the tenant's policy in force and its scheduled versions,
// each scheduled one with its material changes, for the site to announce
// before they take effect.
func (s *Service) Announce(ctx context.Context, tenantID string) (*PolicyAnnouncement, error) {
	var stored []*privet.PolicyVersion
	if err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		stored, err = tx.PolicyVersions(ctx, tenantID)
		return err
	}); err != nil {
		return nil, err
	}
	current, err := s.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	out := &PolicyAnnouncement{
		InForce:  AnnouncedVersion{Version: current.Policy.Version, Effective: current.Effective, SHA256: current.Hash},
		Upcoming: []AnnouncedVersion{},
	}
	now := s.now()
	for _, v := range stored {
		if !v.Effective.After(now) {
			continue
		}
		a := AnnouncedVersion{Version: v.Version, Effective: v.Effective, SHA256: v.SHA256, Material: v.Material}
		next, err := s.compiled(v)
		if err != nil {
			return nil, err
		}
		_, prev, err := s.predecessor(before(stored, v), v.Effective)
		if err != nil {
			return nil, err
		}
		if prev != nil {
			a.Changes = policy.MaterialChanges(prev, next)
		}
		out.Upcoming = append(out.Upcoming, a)
	}
	return out, nil
}
