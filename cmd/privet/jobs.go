package main

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/jobs"
	"github.com/privet-dev/privet/retention"
	"github.com/privet-dev/privet/vault"
)

// checkpointJob signs every tenant's audit chain head. It runs hourly, so
// truncating or rewriting the log is caught by `privet audit verify` even
// when the attacker recomputes every hash.
type checkpointJob struct{}

func (checkpointJob) Kind() string { return "audit.checkpoint" }

// rewrapJob re-wraps data keys under the primary master key version after
// `privet keys rotate`. It is idempotent: it only touches keys still wrapped
// by an older version.
type rewrapJob struct{}

func (rewrapJob) Kind() string { return "keys.rewrap" }

// newJobs registers the workers of every background job on m.Jobs.
func (m *Main) newJobs() error {
	if m.Jobs == nil {
		return privet.Errorf(privet.EINTERNAL, "no job runner")
	}
	jobs.Handle(m.Jobs, func(ctx context.Context, _ checkpointJob) error {
		tenants, err := m.Tenancy.Tenants(ctx)
		if err != nil {
			return err
		}
		for _, t := range tenants {
			if _, err := m.Audit.Checkpoint(ctx, t.ID); err != nil && privet.ErrorCode(err) != privet.ENOTFOUND {
				return err
			}
		}
		return nil
	})
	jobs.Handle(m.Jobs, func(ctx context.Context, _ rewrapJob) error {
		// The rotation may have happened in another process: learn the new
		// primary version first, or this would re-wrap under the old one.
		if err := m.Vault.ReloadMaster(); err != nil {
			return err
		}
		_, err := m.Vault.RewrapAll(ctx, 500)
		return err
	})
	jobs.Handle(m.Jobs, func(ctx context.Context, _ retention.SweepJob) error {
		if err := m.usePolicy(); err != nil {
			return err
		}
		rep, err := m.Retention.Sweep(ctx, m.Retention.Clock.Now())
		if rep != nil {
			m.Logger.Info("retention sweep", "due", rep.Due, "done", rep.Done, "erased", rep.Erased, "held", len(rep.Held))
		}
		return err
	})
	return nil
}

// usePolicy gives the services the policy of the configuration when none is
// set yet: a one-shot command (jobs run) has not loaded it.
func (m *Main) usePolicy() error {
	if m.Policy == nil {
		pol, err := loadPolicy(m.Config.PolicyFile, m.Config.Demo)
		if err != nil {
			return err
		}
		m.Policy = pol
	}
	m.Vault.Policies = vault.StaticPolicy{Compiled: m.Policy}
	m.Consent.Policies, m.Retention.Policies = m.Vault.Policies, m.Vault.Policies
	return nil
}

// periodicJobs are the jobs every server schedules; the leader runs them.
var periodicJobs = []jobs.Periodic{
	{Job: checkpointJob{}, Every: time.Hour},
	{Job: rewrapJob{}, Every: 10 * time.Minute},
	{Job: retention.SweepJob{}, Every: time.Hour},
}
