package retention

import (
	"cmp"
	"context"
	"strings"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/deadline"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/vault"
)

// WindDownRule is the key of the items a wind-down schedules: not a rule of
// the policy, but every category the policy collects.
const WindDownRule = "wind-down"

// WindDownReport is what a wind-down did.
type WindDownReport struct {
	Subjects  int       `json:"subjects"`   // subjects scheduled by this run
	Notified  int       `json:"notified"`   // notices sent, by any channel
	BySMS     int       `json:"by_sms"`     // of which by text message
	NoAddress int       `json:"no_address"` // subjects with no email address or phone number: scheduled, not notified
	Already   int       `json:"already"`    // scheduled by an earlier run
	Action    string    `json:"action"`     // delete, or anonymize where the policy keeps anything anonymized
	DueAt     time.Time `json:"due_at"`
}

// windDownRule is the synthetic rule of wind-down items: everything the
// policy collects, deleted or anonymized.
func windDownRule(pol *policy.Compiled) *policy.RetentionRule {
	r := &policy.RetentionRule{Key: WindDownRule, Action: policy.ActionDelete, Trigger: policy.TriggerRelationshipEnd}
	if len(pol.Policy.Retention.KeepAnonymized) > 0 {
		r.Action = policy.ActionAnonymize
	}
	seen := map[string]bool{}
	for _, c := range pol.Policy.Categories {
		top, _, _ := strings.Cut(c.Key, ".")
		if !seen[top] {
			seen[top] = true
			r.Categories = append(r.Categories, top)
		}
	}
	return r
}

// WindDown ends the service for a tenant: every subject is told (through
// reach: by email, else by text message, the winddown_notice template) and,
// after period ("30d"), everything the policy collects is deleted or
// anonymized by the sweep. Addresses are read under the notice purpose
// (vault.NoticePurpose): EINVALID before anything is done if the policy
// lets no purpose read them. It is durable and resumable: a subject's item
// is written, with its audit event, right after its notice is sent, and a
// rerun skips subjects already scheduled, so each subject is told once
// (twice only if the process dies between the send and the write).
func (s *Service) WindDown(ctx context.Context, actor privet.Actor, tenantID, period string, reach *notify.Reacher) (*WindDownReport, error) {
	p, err := deadline.ParsePeriod(period)
	if err != nil || p.IsZero() {
		return nil, privet.FieldError("notice_period", "want a period such as 30d or 1m")
	}
	if reach == nil || (reach.Mail == nil && reach.SMS == nil) {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "wind-down needs an email or a text message sender")
	}
	if s.Templates == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "wind-down needs the notice templates")
	}
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	purpose, err := vault.NoticePurpose(pol, "")
	if err != nil {
		return nil, err
	}
	now := s.now().Now()
	rule := windDownRule(pol)
	rep := &WindDownReport{Action: rule.Action, DueAt: deadline.Add(now, p, nil)}
	// One notice for everyone: it says nothing about the person.
	msg, err := s.Templates.Render(notify.WinddownNotice, "", windDownData(pol, rule.Action, rep.DueAt))
	if err != nil {
		return nil, err
	}
	w := windDown{actor: actor, tenantID: tenantID, purpose: purpose, rule: rule, reach: reach, msg: msg, rep: rep}
	for after := ""; ; {
		var page []*privet.Subject
		if err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
			page, err = tx.Subjects(ctx, tenantID, privet.SubjectFilter{After: after, Limit: 500})
			return err
		}); err != nil {
			return rep, err
		}
		if len(page) == 0 {
			return rep, nil
		}
		after = page[len(page)-1].ID
		for _, summary := range page {
			if summary.Status == privet.StatusErased {
				continue
			}
			if err := s.windDownOne(ctx, &w, summary.ID); err != nil {
				return rep, err
			}
		}
	}
}

// windDown is one run of WindDown: what every subject's turn needs.
type windDown struct {
	actor             privet.Actor
	tenantID, purpose string
	rule              *policy.RetentionRule
	reach             *notify.Reacher
	msg               notify.Message
	rep               *WindDownReport
}

func (s *Service) windDownOne(ctx context.Context, w *windDown, id string) error {
	var scheduled bool
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		items, err := tx.ScheduledRetention(ctx, w.tenantID, privet.RetentionFilter{SubjectID: id, Limit: 1000})
		for _, it := range items {
			if it.RuleKey == WindDownRule {
				scheduled = true
			}
		}
		return err
	})
	if err != nil || scheduled {
		if scheduled {
			w.rep.Already++
		}
		return err
	}
	channel, err := w.reach.Reach(ctx, w.actor, w.tenantID, id, w.purpose, w.msg)
	if err != nil {
		return err
	}
	switch channel {
	case privet.ChannelNone:
		w.rep.NoAddress++
	case privet.ChannelSMS:
		w.rep.BySMS++
		fallthrough
	default:
		w.rep.Notified++
	}
	now := s.now().Now()
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		item := privet.RetentionItem{TenantID: w.tenantID, SubjectID: id, RuleKey: WindDownRule, Action: w.rule.Action, DueAt: w.rep.DueAt}
		if err := tx.ScheduleRetention(ctx, []privet.RetentionItem{item}); err != nil {
			return err
		}
		ev := w.actor.Event(w.tenantID, "winddown.notice", now)
		ev.SubjectID, ev.Reason = id, "notified by "+string(channel)
		if channel == privet.ChannelNone {
			ev.Reason = "no address"
		}
		return tx.AppendAudit(ctx, ev)
	})
	if err == nil {
		w.rep.Subjects++
	}
	return err
}

// windDownData is what the wind-down notice says: the service, the date its
// data goes, whether anonymous statistics stay, and whom to ask.
func windDownData(pol *policy.Compiled, action string, due time.Time) notify.Data {
	p := pol.Policy
	return notify.Data{
		Service: cmp.Or(p.Service, p.Controller.Name), ControllerName: p.Controller.Name, ControllerEmail: p.Controller.Email,
		EffectiveAt: due, Anonymized: action == policy.ActionAnonymize,
	}
}
