package main

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/disclosure"
	"github.com/privet-dev/privet/incident"
	"github.com/privet-dev/privet/jobs"
	"github.com/privet-dev/privet/policies"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/retention"
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

// packagesExpireJob deletes the access packages past their download window,
// of every tenant, with their chunks.
type packagesExpireJob struct{}

func (packagesExpireJob) Kind() string { return "packages.expire" }

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
	// Data-subject requests: execution, notices and the expiry of requests
	// never verified. Arguments are ids only; the workers are idempotent.
	jobs.Handle(m.Jobs, func(ctx context.Context, j requests.ExecuteJob) error {
		return m.Requests.Execute(ctx, j.TenantID, j.RequestID)
	})
	jobs.Handle(m.Jobs, func(ctx context.Context, j requests.NotifyJob) error {
		err := m.Requests.SendNotice(ctx, j)
		switch privet.ErrorCode(err) {
		case privet.EINVALID, privet.EFORBIDDEN:
			// No address to write to, or none the policy lets us read:
			// retrying cannot help.
			return jobs.Cancel(err)
		}
		return err
	})
	jobs.Handle(m.Jobs, func(ctx context.Context, _ packagesExpireJob) error {
		_, err := m.Packages.DeleteExpired(ctx, m.Packages.Clock.Now())
		return err
	})
	jobs.Handle(m.Jobs, func(ctx context.Context, _ requests.ExpireJob) error {
		_, err := m.Requests.ExpireUnverified(ctx)
		return err
	})
	// Incident notices: each affected person is told once, by email or
	// else by text message; a failed send retries the job, which resumes
	// with the people left. People with no address are counted, not failed.
	jobs.Handle(m.Jobs, func(ctx context.Context, job incident.NoticeJob) error {
		d, err := m.Incidents.Deliver(ctx, job)
		m.Logger.Info("incident notices", "incident", job.IncidentID, "sent", d.Sent, "by_sms", d.BySMS, "no_address", d.NoAddress)
		if privet.ErrorCode(err) == privet.EINVALID {
			// No purpose of the policy may read an address: retrying
			// cannot help until the policy changes and notify is run again.
			return jobs.Cancel(err)
		}
		return err
	})
	jobs.Handle(m.Jobs, func(ctx context.Context, job disclosure.NoticeJob) error {
		err := m.Disclosures.SendNotice(ctx, job)
		switch privet.ErrorCode(err) {
		case privet.ENOTFOUND, privet.EINVALID:
			// No such disclosure, or no purpose of the policy may read an
			// address: retrying cannot help.
			return jobs.Cancel(err)
		}
		return err
	})
	jobs.Handle(m.Jobs, func(ctx context.Context, job policies.NoticeJob) error {
		_, err := m.Policies.SendNotices(ctx, job)
		if privet.ErrorCode(err) == privet.ENOTFOUND {
			return jobs.Cancel(err) // the tenant or version is gone: nothing to announce
		}
		return err
	})
	jobs.Handle(m.Jobs, func(ctx context.Context, _ policies.ActivateJob) error {
		_, err := m.Policies.Activate(ctx)
		return err
	})
	// A withdrawal a retention rule waits for schedules that rule's deletion.
	jobs.Handle(m.Jobs, func(ctx context.Context, j consent.WithdrawnJob) error {
		if err := m.usePolicy(); err != nil {
			return err
		}
		err := m.Retention.ConsentWithdrawn(ctx, withdrawnActor, j.TenantID, j.SubjectID, j.Purpose)
		if privet.ErrorCode(err) == privet.ENOTFOUND {
			return jobs.Cancel(err) // erased meanwhile: nothing left to schedule
		}
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

// withdrawnActor schedules retention after a consent withdrawal.
var withdrawnActor = privet.Actor{Type: privet.ActorSystem, ID: consent.WithdrawnJob{}.Kind()}

// usePolicy gives the services the policy of the configuration when none is
// set yet: a one-shot command (jobs run) has not loaded it. Workers run
// concurrently, so it writes only when something is missing, under a lock:
// a server set the policy before its jobs started, and its workers only
// read it.
func (m *Main) usePolicy() error {
	m.policyMu.Lock()
	defer m.policyMu.Unlock()
	if m.Policy == nil {
		pol, err := loadPolicy(m.Config.PolicyFile, m.Config.Demo)
		if err != nil {
			return err
		}
		m.Policy = pol
	}
	if m.Policies.Fallback != m.Policy {
		m.setPolicy(m.Policy)
	}
	return nil
}

// periodicJobs are the jobs every server schedules; the leader runs them.
var periodicJobs = []jobs.Periodic{
	{Job: checkpointJob{}, Every: time.Hour},
	{Job: rewrapJob{}, Every: 10 * time.Minute},
	{Job: requests.ExpireJob{}, Every: 15 * time.Minute},
	{Job: packagesExpireJob{}, Every: time.Hour},
	// A version takes effect at midnight; a minute later its consent
	// renewal has run.
	{Job: policies.ActivateJob{}, Every: time.Minute, RunOnStart: true},
	{Job: retention.SweepJob{}, Every: time.Hour},
}
