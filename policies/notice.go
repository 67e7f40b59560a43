package policies

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/vault"
)

// NoticeJob sends the notice emails of one published version with a
// material change. Its arguments are ids only: addresses are read when it
// runs, so none is stored in the job table.
type NoticeJob struct {
	TenantID string `json:"tenant_id"`
	Version  string `json:"version"`
}

// Kind names the job.
func (NoticeJob) Kind() string { return "policy.notice" }

// NoticeTemplate names the email a Renderer renders.
const NoticeTemplate = "policy_change_notice"

// noticePage is how many subjects one read of the notice job lists.
const noticePage = 500

// Notice is what a policy change notice tells one person.
type Notice struct {
	TenantID  string
	SubjectID string
	// To is the subject's email address.
	To         string
	Service    string
	Controller policy.Controller
	Version    string
	Effective  time.Time
	// Changes are the material changes, in the order of the policy.
	Changes []policy.Change
	// ConsentAsked says some of the person's consents will be asked again
	// when the version takes effect.
	ConsentAsked bool
}

// Renderer turns a notice into an email (the policy_change_notice template).
type Renderer interface {
	Render(ctx context.Context, n Notice) (notify.Message, error)
}

// SubjectReader reads a subject for a purpose (vault.Service fits): the
// notice job reads each address for the notice purpose, audited.
type SubjectReader interface {
	Get(ctx context.Context, actor privet.Actor, tenantID, id string, opt vault.ReadOptions) (*vault.SubjectView, error)
}

// Notices sends policy change notices.
type Notices struct {
	Sender   notify.Sender
	Renderer Renderer // TextRenderer when nil
	Subjects SubjectReader
	// Purpose is the purpose addresses are read for. When empty, the first
	// of vault.NoticePurposes the policy lets read user.contact.email is
	// used.
	Purpose string
}

// noticeActor reads addresses and records notices.
var noticeActor = privet.Actor{Type: privet.ActorSystem, ID: NoticeJob{}.Kind()}

// purpose is the purpose addresses are read for: the one configured, or
// the first of vault.NoticePurposes the policy lets read email addresses.
func (n *Notices) purpose(pol *policy.Compiled) (string, error) {
	return vault.NoticePurpose(pol, n.Purpose)
}

// SendNotices is the notice job's worker: it emails every active subject with
// an email identity the version's material changes, once each. A subject
// is recorded as told after its email is accepted, and skipped on any later
// run, so a rerun after a crash sends no duplicate except, at most, to the
// one subject whose email was accepted just before the crash. It returns
// how many emails it sent.
func (s *Service) SendNotices(ctx context.Context, job NoticeJob) (int, error) {
	n := s.Notices
	if n == nil || n.Sender == nil || n.Subjects == nil {
		return 0, privet.Errorf(privet.EUNAVAILABLE, "no email sender is configured for policy change notices")
	}
	renderer := n.Renderer
	if renderer == nil {
		renderer = TextRenderer{}
	}
	var v *privet.PolicyVersion
	var stored []*privet.PolicyVersion
	err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		if v, err = tx.PolicyVersion(ctx, job.TenantID, job.Version); err != nil {
			return err
		}
		stored, err = tx.PolicyVersions(ctx, job.TenantID)
		return err
	})
	if err != nil {
		return 0, err
	}
	next, err := s.compiled(v)
	if err != nil {
		return 0, err
	}
	_, prev, err := s.predecessor(before(stored, v), v.Effective)
	if err != nil || prev == nil {
		return 0, err
	}
	current, err := s.Policy(ctx, job.TenantID)
	if err != nil {
		return 0, err
	}
	purpose, err := n.purpose(current)
	if err != nil {
		return 0, err
	}
	notice := Notice{
		TenantID: job.TenantID, Service: next.Policy.Service, Controller: next.Policy.Controller,
		Version: v.Version, Effective: v.Effective, Changes: policy.MaterialChanges(prev, next),
		ConsentAsked: v.RightsReduced || len(policy.WidenedPurposes(prev, next)) > 0,
	}
	sent := 0
	after := ""
	for {
		var page []*privet.Subject
		if err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
			page, err = tx.Subjects(ctx, job.TenantID, privet.SubjectFilter{Status: privet.StatusActive, After: after, Limit: noticePage})
			return err
		}); err != nil {
			return sent, err
		}
		for _, sub := range page {
			ok, err := s.sendNotice(ctx, n, renderer, notice, sub.ID, purpose)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
		if len(page) < noticePage {
			return sent, nil
		}
		after = page[len(page)-1].ID
	}
}

// sendNotice tells one subject, unless it was told already or has no email.
func (s *Service) sendNotice(ctx context.Context, n *Notices, r Renderer, notice Notice, subjectID, purpose string) (bool, error) {
	var told bool
	if err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		told, err = tx.PolicyNoticeSent(ctx, notice.TenantID, notice.Version, subjectID)
		return err
	}); err != nil || told {
		return false, err
	}
	view, err := n.Subjects.Get(ctx, noticeActor, notice.TenantID, subjectID, vault.ReadOptions{Purpose: purpose})
	if privet.ErrorCode(err) == privet.ENOTFOUND {
		return false, nil // erased meanwhile
	}
	if err != nil {
		return false, err
	}
	for _, id := range view.Identities {
		if id.Type != privet.IdentityEmail {
			continue
		}
		notice.SubjectID, notice.To = subjectID, id.Value
		msg, err := r.Render(ctx, notice)
		if err != nil {
			return false, err
		}
		msg.To = id.Value
		if err := n.Sender.Send(ctx, msg); err != nil {
			return false, privet.Errorf(privet.EUNAVAILABLE, "the policy change notice was not accepted for delivery")
		}
		now := s.now()
		err = s.Store.Update(ctx, func(tx privet.Tx) error {
			if _, err := tx.RecordPolicyNotice(ctx, notice.TenantID, notice.Version, subjectID, now); err != nil {
				return err
			}
			ev := noticeActor.Event(notice.TenantID, "policy.notice", now)
			ev.SubjectID, ev.Reason = subjectID, "version "+notice.Version
			return tx.AppendAudit(ctx, ev)
		})
		return err == nil, err
	}
	return false, nil
}

// before lists the stored versions other than v published before it.
func before(stored []*privet.PolicyVersion, v *privet.PolicyVersion) []*privet.PolicyVersion {
	var out []*privet.PolicyVersion
	for _, o := range stored {
		if o.Version != v.Version && !o.PublishedAt.After(v.PublishedAt) {
			out = append(out, o)
		}
	}
	return out
}

// TextRenderer renders a plain-text policy change notice: what a deployment
// without its own templates sends.
type TextRenderer struct{}

// Render writes the notice. It names the service and the changes, never
// anything about the person beyond the address it is sent to.
func (TextRenderer) Render(_ context.Context, n Notice) (notify.Message, error) {
	var b strings.Builder
	service := n.Service
	if service == "" {
		service = n.Controller.Name
	}
	fmt.Fprintf(&b, "We are changing the privacy policy of %s.\n\n", service)
	fmt.Fprintf(&b, "Version %s takes effect on %s. What changes:\n\n", n.Version, n.Effective.Format(time.DateOnly))
	for _, c := range n.Changes {
		fmt.Fprintf(&b, "- %s: %s\n", c.Key, c.Detail)
	}
	if n.ConsentAsked {
		b.WriteString("\nWhere we rely on your consent, we will ask for it again; until you give it, we will not use your data for those purposes.\n")
	}
	b.WriteString("\nYou may review and change your choices at any time before and after the change.\n")
	if n.Controller.Email != "" {
		fmt.Fprintf(&b, "Questions: %s (%s).\n", n.Controller.Name, n.Controller.Email)
	}
	return notify.Message{
		To:      n.To,
		Subject: fmt.Sprintf("Changes to the %s privacy policy from %s", service, n.Effective.Format(time.DateOnly)),
		Text:    b.String(),
		Headers: map[string]string{"X-Privet-Template": NoticeTemplate},
	}, nil
}
