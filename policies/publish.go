package policies

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/deadline"
	"github.com/privet-dev/privet/policy"
)

// PublishInput is a version to publish.
type PublishInput struct {
	// Name is used in problem positions ("name:line:col"), e.g. the file name.
	Name string
	// Source is the policy's YAML, stored exactly as given.
	Source []byte
	// AllowRightsReduction is the explicit flag a version that takes a right
	// away needs. With it, every consent is asked again when the version
	// takes effect.
	AllowRightsReduction bool
}

// Published is the outcome of a publication.
type Published struct {
	Version *privet.PolicyVersion `json:"version"`
	// Previous is the version it is compared with: the one that would
	// otherwise be in force when it takes effect ("" for the configured
	// policy file, or when there was none).
	Previous string          `json:"previous,omitempty"`
	Changes  []policy.Change `json:"changes"`
	// NoticesScheduled says notice emails will go to every active subject
	// with an email address before the version takes effect.
	NoticesScheduled bool `json:"notices_scheduled"`
}

// Publish validates and stores a new version of the tenant's policy. The
// source must pass policy.Parse (its problems are returned with their
// positions, and nothing is stored). A version that changes its predecessor
// materially (policy.Material) must take effect at least the notice period
// later (the longer of both versions' changes.before; never today), and
// schedules the notice emails in the same transaction; one that takes a
// right away is refused unless in.AllowRightsReduction is set.
//
// Errors: EINVALID (the field named), ECONFLICT if the version exists,
// ENOTFOUND if the tenant does not.
func (s *Service) Publish(ctx context.Context, actor privet.Actor, tenantID string, in PublishInput) (*Published, error) {
	if len(in.Source) == 0 {
		return nil, privet.FieldError("source", "is required")
	}
	name := in.Name
	if name == "" {
		name = "policy.yaml"
	}
	next, err := policy.Parse(name, in.Source)
	if err != nil {
		return nil, err
	}
	var stored []*privet.PolicyVersion
	if err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		stored, err = tx.PolicyVersions(ctx, tenantID)
		return err
	}); err != nil {
		return nil, err
	}
	prevVersion, prev, err := s.predecessor(stored, next.Effective)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := &Published{Previous: prevVersion, Changes: []policy.Change{}}
	v := &privet.PolicyVersion{
		TenantID: tenantID, Version: next.Policy.Version, Effective: next.Effective, Source: in.Source,
		SHA256: next.Hash, PublishedAt: now, PublishedBy: actor.ID,
	}
	if prev != nil {
		out.Changes = policy.Diff(prev, next)
		if out.Changes == nil {
			out.Changes = []policy.Change{}
		}
		v.Material = slices.ContainsFunc(out.Changes, func(c policy.Change) bool { return c.Material })
		if reduced := policy.RightsReduced(prev, next); len(reduced) > 0 {
			if !in.AllowRightsReduction {
				return nil, privet.FieldError("allow_rights_reduction",
					"the version takes rights away (%s); rights are reduced only with this flag set, and then every consent is asked again when it takes effect",
					describe(reduced))
			}
			v.RightsReduced = true
		}
		if v.Material {
			if err := noticePeriodKept(now, prev, next); err != nil {
				return nil, err
			}
		}
	}
	out.NoticesScheduled = v.Material && byEmail(prev, next)
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		if err := tx.CreatePolicyVersion(ctx, v); err != nil {
			return err
		}
		ev := actor.Event(tenantID, "policy.publish", now)
		ev.Reason = "version " + v.Version
		if v.Material {
			ev.Reason += " material"
		}
		if err := tx.AppendAudit(ctx, ev); err != nil {
			return err
		}
		if out.NoticesScheduled {
			return tx.Enqueue(ctx, NoticeJob{TenantID: tenantID, Version: v.Version})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.forget(tenantID)
	out.Version = v
	return out, nil
}

// predecessor is the version that would be in force when a version effective
// at t takes effect: the last stored one effective by then, else the
// configured policy (named ""), else none.
func (s *Service) predecessor(stored []*privet.PolicyVersion, t time.Time) (string, *policy.Compiled, error) {
	for i := len(stored) - 1; i >= 0; i-- {
		if !stored[i].Effective.After(t) {
			c, err := s.compiled(stored[i])
			return stored[i].Version, c, err
		}
	}
	return "", s.Fallback, nil
}

// compiled compiles a stored version, from the cache when it holds it.
func (s *Service) compiled(v *privet.PolicyVersion) (*policy.Compiled, error) {
	tv := s.cached(v.TenantID)
	if tv != nil {
		for _, cv := range tv.versions {
			if cv.stored.SHA256 == v.SHA256 {
				return cv.compiled, nil
			}
		}
	}
	return compile(v)
}

// noticePeriodKept refuses a material change that takes effect before the
// notice period has run: the longer of the period the old version promised
// and the one the new version states, counted in whole days from today, and
// never today itself.
func noticePeriodKept(now time.Time, prev, next *policy.Compiled) error {
	before := noticePeriod(prev)
	if np := noticePeriod(next); deadline.Longer(next.Effective, np, before, nil) {
		before = np
	}
	today := now.UTC().Truncate(24 * time.Hour)
	earliest := deadline.Add(today, before, nil)
	if !earliest.After(today) {
		earliest = today.AddDate(0, 0, 1)
	}
	if next.Effective.Before(earliest) {
		if before.IsZero() {
			return privet.FieldError("effective", "a material change cannot take effect on the day it is published: %s or later",
				earliest.Format(time.DateOnly))
		}
		return privet.FieldError("effective", "a material change takes effect at least %s after it is published: %s or later",
			before, earliest.Format(time.DateOnly))
	}
	return nil
}

// noticePeriod is the policy's changes.before, zero when it sets none.
func noticePeriod(c *policy.Compiled) deadline.Period {
	if c == nil || c.Policy.Changes == nil || c.Policy.Changes.Before == "" {
		return deadline.Period{}
	}
	p, err := deadline.ParsePeriod(c.Policy.Changes.Before)
	if err != nil {
		return deadline.Period{}
	}
	return p
}

// byEmail says whether material changes are announced by email: when either
// version lists email among its changes.notice channels, or neither says how
// (email is then the safe default).
func byEmail(prev, next *policy.Compiled) bool {
	said := false
	for _, c := range []*policy.Compiled{prev, next} {
		if c == nil || c.Policy.Changes == nil || len(c.Policy.Changes.Notice) == 0 {
			continue
		}
		said = true
		if slices.Contains(c.Policy.Changes.Notice, "email") {
			return true
		}
	}
	return !said
}

func describe(changes []policy.Change) string {
	parts := make([]string, len(changes))
	for i, c := range changes {
		parts[i] = c.Key + ": " + c.Detail
	}
	return strings.Join(parts, "; ")
}
