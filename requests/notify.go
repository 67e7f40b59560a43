package requests

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// SendNotice sends one notice: the worker of NotifyJob. The contact is
// unsealed now, not before; a verification code is made now and only its
// hash stored. Once the final notice of a public request is sent, the
// request's data key is destroyed: its contact and any corrections are
// crypto-shredded, and a rerun of the job finds nobody to write to.
func (s *Service) SendNotice(ctx context.Context, job NotifyJob) error {
	if !slices.Contains(Templates, job.Template) || job.Template == TemplatePorted {
		// The ported notice goes from the execution, to the address sealed
		// with the request, never as a job of its own.
		return privet.FieldError("template", "unknown template")
	}
	if s.Notifier == nil {
		return privet.Errorf(privet.EUNAVAILABLE, "no notifier is configured")
	}
	r, err := s.Get(ctx, job.TenantID, job.RequestID)
	if errors.Is(err, privet.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	pol, err := s.policy(ctx, job.TenantID)
	if err != nil {
		return err
	}
	n := Notice{TenantID: r.TenantID, RequestID: r.ID, SubjectID: r.SubjectID, Template: job.Template, Vars: s.vars(pol, r)}
	if job.Template == TemplateForwarded {
		i := slices.IndexFunc(pol.Policy.Clients, func(c policy.Client) bool { return c.Key == r.ProcessorClient })
		if i < 0 {
			return privet.Errorf(privet.EINVALID, "the policy no longer names the request's client")
		}
		n.ContactType, n.Contact = privet.IdentityEmail, pol.Policy.Clients[i].Email
		return s.Notifier.Notify(ctx, n)
	}
	p, err := s.openPayload(ctx, r)
	if err != nil {
		return err
	}
	if r.Channel == privet.ChannelPublic && p.Contact == "" {
		return nil // shredded: the final notice went out already
	}
	n.ContactType, n.Contact = p.ContactType, p.Contact
	if p.SendTo != nil && job.Template == TemplateCompleted && readDetails(r).SentAt != nil {
		n.Vars["sent_to"] = p.SendTo.Name
	}
	if job.Template == TemplateVerify {
		code, fresh, err := s.newCode(ctx, r.TenantID, r.ID)
		if err != nil {
			return err
		}
		if fresh == nil {
			return nil // verified, locked or closed meanwhile
		}
		n.Vars["code"], n.Vars["code_expires_at"] = code, fresh.Verification.ExpiresAt.Format(time.RFC3339)
	}
	if err := s.Notifier.Notify(ctx, n); err != nil {
		return err
	}
	if final(job.Template) && r.Status.Closed() && len(r.SealedContact) > 0 {
		if err := s.Keys.DeleteDataKey(ctx, r.TenantID, r.ID); err != nil {
			return err
		}
	}
	return nil
}

func final(template string) bool {
	return template == TemplateCompleted || template == TemplateDenied || template == TemplateExpired
}

// vars are the template variables of a notice about r. None is personal
// data except the secrets the person needs (the status token, the code).
func (s *Service) vars(pol *policy.Compiled, r *privet.Request) map[string]string {
	v := map[string]string{
		"request_id":   r.ID,
		"type":         r.Type,
		"status":       string(r.Status),
		"status_token": s.statusToken(r),
		"received_at":  r.ReceivedAt.Format(time.RFC3339),
		"due_at":       r.DueAt.Format(time.RFC3339),
		"controller":   pol.Policy.Controller.Name,
		// The controller's own address and the service's name: not the
		// person's data.
		"controller_email": pol.Policy.Controller.Email,
		"service":          pol.Policy.Service,
	}
	if r.ExtendedTo != nil {
		v["extended_to"], v["extension_reason"] = r.ExtendedTo.Format(time.RFC3339), r.ExtensionReason
	}
	if r.Outcome != "" {
		v["outcome"] = r.Outcome
	}
	if r.DenyReason != "" {
		v["deny_reason"], v["deny_message"] = r.DenyReason, denyMessage(r.DenyReason)
		if law := pol.Law(r.Jurisdiction); law != nil {
			v["appeal"] = strconv.FormatBool(law.Appeal)
			v["complaint"] = law.Complaint
		}
	}
	if r.Fee != nil {
		v["fee"] = r.Fee.Amount
		if r.Fee.Reason != "" {
			v["fee_reason"], v["fee_message"] = r.Fee.Reason, feeMessage(r.Fee.Reason)
		}
	}
	if r.ProcessorClient != "" {
		for _, c := range pol.Policy.Clients {
			if c.Key == r.ProcessorClient {
				v["client_name"], v["client_email"] = c.Name, c.Email
			}
		}
	}
	d := readDetails(r)
	if d.Report != nil {
		if lines := d.Report.Lines(); len(lines) > 0 {
			v["findings"] = strings.Join(lines, "\n")
		} else {
			v["findings_none"] = "true"
		}
	}
	if len(d.Categories) > 0 {
		// An erasure of some categories says what it removed.
		var erased []string
		for _, rep := range d.Erasure {
			erased = append(erased, rep.Erased...)
		}
		slices.Sort(erased)
		v["erased"] = strings.Join(slices.Compact(erased), "\n")
	}
	if d.PackageID != "" {
		v["package_id"] = d.PackageID
		if d.PackageExpires != nil {
			v["package_expires"] = d.PackageExpires.Format(time.RFC3339)
		}
	}
	return v
}

// ExpireUnverified expires public requests never verified within
// UnverifiedLifetime and tells the requester: the worker of ExpireJob. It
// returns how many it expired.
func (s *Service) ExpireUnverified(ctx context.Context) (int, error) {
	n := 0
	for {
		var batch []*privet.Request
		if err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
			batch, err = tx.UnverifiedBefore(ctx, s.now().Add(-UnverifiedLifetime), 100)
			return err
		}); err != nil {
			return n, err
		}
		for _, r := range batch {
			_, err := s.change(ctx, r.TenantID, r.ID, func(tx privet.Tx, _ *policy.Compiled, cur *privet.Request, _ *details) error {
				if cur.Status != privet.RequestPendingVerification {
					return nil
				}
				now := s.now()
				cur.Status, cur.Outcome, cur.CompletedAt = privet.RequestExpired, privet.OutcomeExpired, &now
				cur.Verification.CodeHash, cur.Verification.ExpiresAt = nil, nil
				return notify(ctx, tx, cur, TemplateExpired)
			})
			if err != nil {
				return n, err
			}
			n++
		}
		if len(batch) < 100 {
			return n, nil
		}
	}
}
