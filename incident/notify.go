package incident

import (
	"context"
	"errors"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/notify"
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
// enqueues the job that tells each of them (by email, else text message), in the transaction
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
	Sent  int `json:"sent"`   // notices sent, by any channel
	BySMS int `json:"by_sms"` // of which by text message
	// NoAddress counts people with no email address or phone number the
	// notice purpose may read (or erased, or restricted, since), or with
	// only a phone number while no SMS sender is configured: they stay
	// pending, for a later run, another channel or the public notice.
	NoAddress int `json:"no_address"`
}

// Deliver is the notice job's work: it tells each affected person not yet
// notified, by email or else by text message (notify.Reacher), and records
// each notice in its own transaction right after the server accepted it,
// so a run that stops (or fails on one address) resumes with the people
// left and nobody is told twice. A crash between the server's acceptance
// and the record can repeat that one notice; an email's Message-ID is the
// same each time, so mail systems fold the repeat. A person with no
// address is counted, not a failure.
func (s *Service) Deliver(ctx context.Context, job NoticeJob) (Delivery, error) {
	var d Delivery
	if s.Reacher == nil {
		return d, privet.Errorf(privet.EUNAVAILABLE, "no email or text message sender is configured")
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
			channel, err := s.deliverOne(ctx, pol, inc, purpose, a.SubjectID)
			if err != nil {
				return d, err
			}
			switch channel {
			case privet.ChannelNone:
				d.NoAddress++
			case privet.ChannelSMS:
				d.BySMS++
				fallthrough
			default:
				d.Sent++
			}
		}
		after = page[len(page)-1].SubjectID
	}
	return d, s.markPeopleNotified(ctx, inc, d)
}

func (s *Service) deliverOne(ctx context.Context, pol *policy.Compiled, inc *privet.Incident, purpose, subjectID string) (privet.Channel, error) {
	msg, err := s.renderer().Render(ctx, Notice{Incident: inc, Controller: pol.Policy.Controller, SubjectID: subjectID})
	if err != nil {
		return privet.ChannelNone, err
	}
	if msg.Headers == nil {
		msg.Headers = map[string]string{}
	}
	msg.Headers["Message-ID"] = "<" + inc.ID + "." + subjectID + "@privet.invalid>"
	channel, err := s.Reacher.Reach(ctx, System(), inc.TenantID, subjectID, purpose, msg)
	if errors.Is(err, notify.ErrNoSender) {
		// Reachable only by a channel not configured yet: counted, and
		// left pending for a later run, so the people after are told now.
		return privet.ChannelNone, nil
	}
	if err != nil || channel == privet.ChannelNone {
		// The address stays out of the error: only the code travels on.
		return channel, err
	}
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		if err := tx.MarkNotified(ctx, inc.TenantID, inc.ID, subjectID, s.clock().Now()); err != nil {
			return err
		}
		ev := auditEvent(System(), inc, "incident.notice_sent", s.clock())
		ev.SubjectID = subjectID
		ev.Reason += "; by " + string(channel)
		return tx.AppendAudit(ctx, ev)
	})
	return channel, err
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
