package retention

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/deadline"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/policy"
)

// WindDownRule is the key of the items a wind-down schedules: not a rule of
// the policy, but every category the policy collects.
const WindDownRule = "wind-down"

// WindDownReport is what a wind-down did.
type WindDownReport struct {
	Subjects  int       `json:"subjects"`   // subjects scheduled by this run
	Notified  int       `json:"notified"`   // notices sent
	NoAddress int       `json:"no_address"` // subjects without an email identity: scheduled, not notified
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

// WindDown ends the service for a tenant: every subject gets the notice
// (through sender, to its email identity) and, after period ("30d"),
// everything the policy collects is deleted or anonymized by the sweep. It is
// durable and resumable: a subject's item is written, with its audit event,
// right after its notice is sent, and a rerun skips subjects already
// scheduled, so each subject is told once (twice only if the process dies
// between the send and the write).
func (s *Service) WindDown(ctx context.Context, actor privet.Actor, tenantID, period string, sender notify.Sender) (*WindDownReport, error) {
	p, err := deadline.ParsePeriod(period)
	if err != nil || p.IsZero() {
		return nil, privet.FieldError("notice_period", "want a period such as 30d or 1m")
	}
	if sender == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "wind-down needs an email sender")
	}
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	now := s.now().Now()
	rule := windDownRule(pol)
	rep := &WindDownReport{Action: rule.Action, DueAt: deadline.Add(now, p, nil)}
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
			if err := s.windDownOne(ctx, actor, pol, rule, sender, tenantID, summary.ID, rep); err != nil {
				return rep, err
			}
		}
	}
}

func (s *Service) windDownOne(ctx context.Context, actor privet.Actor, pol *policy.Compiled, rule *policy.RetentionRule,
	sender notify.Sender, tenantID, id string, rep *WindDownReport) error {
	var sub *privet.Subject
	var scheduled bool
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		items, err := tx.ScheduledRetention(ctx, tenantID, privet.RetentionFilter{SubjectID: id, Limit: 1000})
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.RuleKey == WindDownRule {
				scheduled = true
			}
		}
		if !scheduled {
			sub, err = tx.Subject(ctx, tenantID, id)
		}
		return err
	})
	if err != nil || scheduled {
		if scheduled {
			rep.Already++
		}
		return err
	}
	to := ""
	if s.Vault != nil {
		to, err = s.Vault.OpenIdentity(ctx, sub, privet.IdentityEmail)
		if err != nil && privet.ErrorCode(err) != privet.ENOTFOUND {
			return err
		}
	}
	if to != "" {
		if err := sender.Send(ctx, windDownNotice(pol, to, rule.Action, rep.DueAt)); err != nil {
			return err
		}
		rep.Notified++
	} else {
		rep.NoAddress++
	}
	now := s.now().Now()
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		item := privet.RetentionItem{TenantID: tenantID, SubjectID: id, RuleKey: WindDownRule, Action: rule.Action, DueAt: rep.DueAt}
		if err := tx.ScheduleRetention(ctx, []privet.RetentionItem{item}); err != nil {
			return err
		}
		ev := actor.Event(tenantID, "winddown.notice", now)
		ev.SubjectID, ev.Reason = id, "notified"
		if to == "" {
			ev.Reason = "no email identity"
		}
		return tx.AppendAudit(ctx, ev)
	})
	if err == nil {
		rep.Subjects++
	}
	return err
}

// windDownNotice renders the notice simply; templates may replace it.
func windDownNotice(pol *policy.Compiled, to, action string, due time.Time) notify.Message {
	p := pol.Policy
	what := "deleted"
	if action == policy.ActionAnonymize {
		what = "deleted, except anonymous statistics that can no longer identify you"
	}
	text := fmt.Sprintf("%s is closing.\n\nOn %s all personal data %s keeps about you will be %s.\n"+
		"Until then you may ask for a copy of your data or its deletion.\n\nContact: %s <%s>\n",
		p.Service, due.Format(time.DateOnly), p.Controller.Name, what, p.Controller.Name, p.Controller.Email)
	return notify.Message{To: to, Subject: p.Service + " is closing: what happens to your data", Text: text}
}
