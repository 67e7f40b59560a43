package incident

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/vault"
)

// NoticeJob sends an incident's notices. Its arguments are ids only: River
// keeps them in plain text, so the worker looks everything else up.
type NoticeJob struct {
	TenantID   string `json:"tenant_id"`
	IncidentID string `json:"incident_id"`
}

// Kind names the job.
func (NoticeJob) Kind() string { return "incident.notify" }

// deliverBatch is how many pending subjects one page of delivery reads.
const deliverBatch = 100

// NotifyPeople finds the people affected (adding any not yet recorded) and
// enqueues the job that emails each of them the notice, in the transaction
// that records the decision, so the notices go out even if this process
// stops. It returns the number of people recorded as affected.
func (s *Service) NotifyPeople(ctx context.Context, actor privet.Actor, tenantID, id string) (int64, error) {
	inc, err := s.get(ctx, tenantID, id)
	if err != nil {
		return 0, err
	}
	if inc.Status == privet.IncidentClosed {
		return 0, privet.Errorf(privet.ECONFLICT, "the incident is closed")
	}
	// Refuse now what the job could never do: read an address to write to.
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return 0, err
	}
	if _, err := vault.NoticePurpose(pol, s.NoticePurpose); err != nil {
		return 0, err
	}
	if _, err := s.FindAffected(ctx, actor, tenantID, id, nil); err != nil {
		return 0, err
	}
	var counts privet.AffectedCounts
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		if counts, err = tx.CountAffected(ctx, tenantID, id, privet.AffectedQuery{}); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, NoticeJob{TenantID: tenantID, IncidentID: id}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, auditEvent(actor, inc, "incident.notify_people", s.clock()))
	})
	return counts.People, err
}

// Delivery is what one run of the notice job did.
type Delivery struct {
	Sent int `json:"sent"`
	// Unreachable counts people with no email address the notice purpose
	// may read (or erased since): they need another channel, or the public
	// notice.
	Unreachable int `json:"unreachable"`
}

// Deliver is the notice job's work: it emails each affected person not yet
// notified, and records each notice in its own transaction right after the
// mail server accepted it, so a run that stops (or fails on one address)
// resumes with the people left and nobody is told twice. A crash between
// the server's acceptance and the record can repeat that one notice; its
// Message-ID is the same each time, so mail systems fold the repeat.
func (s *Service) Deliver(ctx context.Context, job NoticeJob) (Delivery, error) {
	var d Delivery
	if s.Sender == nil {
		return d, privet.Errorf(privet.EUNAVAILABLE, "no email sender is configured")
	}
	if s.Vault == nil {
		return d, privet.Errorf(privet.EUNAVAILABLE, "incident notices need the vault")
	}
	inc, err := s.get(ctx, job.TenantID, job.IncidentID)
	if err != nil {
		return d, err
	}
	pol, err := s.policy(ctx, job.TenantID)
	if err != nil {
		return d, err
	}
	purpose, err := vault.NoticePurpose(pol, s.NoticePurpose)
	if err != nil {
		return d, err
	}
	after := ""
	for {
		var page []privet.AffectedSubject
		if err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
			page, err = tx.Affected(ctx, job.TenantID, job.IncidentID, privet.AffectedFilter{Pending: true, After: after, Limit: deliverBatch})
			return err
		}); err != nil {
			return d, err
		}
		if len(page) == 0 {
			break
		}
		for _, a := range page {
			sent, err := s.deliverOne(ctx, pol, inc, purpose, a.SubjectID)
			if err != nil {
				return d, err
			}
			if sent {
				d.Sent++
			} else {
				d.Unreachable++
			}
		}
		after = page[len(page)-1].SubjectID
	}
	return d, s.markPeopleNotified(ctx, inc, d)
}

func (s *Service) deliverOne(ctx context.Context, pol *policy.Compiled, inc *privet.Incident, purpose, subjectID string) (bool, error) {
	v, err := s.Vault.Get(ctx, System(), inc.TenantID, subjectID, vault.ReadOptions{Purpose: purpose})
	if code := privet.ErrorCode(err); code == privet.ENOTFOUND || code == privet.EFORBIDDEN {
		// Erased since, or restricted against this purpose: not by email.
		return false, nil
	}
	if err != nil {
		return false, err
	}
	to := vault.EmailOf(v)
	if to == "" {
		return false, nil
	}
	msg, err := s.renderer().Render(ctx, Notice{Incident: inc, Controller: pol.Policy.Controller, SubjectID: subjectID})
	if err != nil {
		return false, err
	}
	msg.To = to
	if msg.Headers == nil {
		msg.Headers = map[string]string{}
	}
	msg.Headers["Message-ID"] = "<" + inc.ID + "." + subjectID + "@privet.invalid>"
	if err := s.Sender.Send(ctx, msg); err != nil {
		// The address stays out of the error: only the code travels on.
		return false, &privet.Error{Code: privet.EUNAVAILABLE, Message: "the mail server did not accept an incident notice"}
	}
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		if err := tx.MarkNotified(ctx, inc.TenantID, inc.ID, subjectID, s.clock().Now()); err != nil {
			return err
		}
		ev := auditEvent(System(), inc, "incident.notice_sent", s.clock())
		ev.SubjectID = subjectID
		return tx.AppendAudit(ctx, ev)
	})
	return err == nil, err
}

// markPeopleNotified records, once every reachable person has been told,
// that people were notified.
func (s *Service) markPeopleNotified(ctx context.Context, inc *privet.Incident, d Delivery) error {
	return s.Store.Update(ctx, func(tx privet.Tx) error {
		cur, err := tx.Incident(ctx, inc.TenantID, inc.ID)
		if err != nil || cur.PeopleNotifiedAt != nil {
			return err
		}
		counts, err := tx.CountAffected(ctx, inc.TenantID, inc.ID, privet.AffectedQuery{})
		if err != nil || counts.Notified == 0 {
			return err
		}
		now := s.clock().Now()
		cur.PeopleNotifiedAt, cur.UpdatedAt = &now, now
		if cur.Status == privet.IncidentOpen {
			cur.Status = privet.IncidentNotified
		}
		if err := tx.UpdateIncident(ctx, cur); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, auditEvent(System(), cur, "incident.people_notified", s.clock()))
	})
}
