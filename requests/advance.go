package requests

import (
	"context"
	"slices"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/deadline"
	"github.com/privet-dev/privet/jurisdiction"
	"github.com/privet-dev/privet/policy"
)

// Denial reasons: stable codes, shown with a sentence in the notice.
const (
	DenyRepeatLimit    = "repeat_limit" // over the law's limit of requests per period
	DenyExcessive      = "excessive"    // manifestly unfounded or excessive
	DenyB2BExempt      = "b2b_exempt"   // business contact data the law exempts
	DenyUnverified     = "identity_unverified"
	DenyFeeNotAccepted = "fee_not_accepted"
)

// Fee reasons: why a fee applies, told to the person with the estimate.
const (
	FeeRepetitive = "repetitive" // a copy beyond the free ones in 12 months
	FeeExcessive  = "excessive"  // judged manifestly unfounded or excessive by a person
)

// advance moves a verified request on to its next step, in the order the
// law asks for: a denial the law allows, a fee, routing to the client that
// controls the data, a person's approval, the subject's confirmation, and
// then execution. It saves r.
func (s *Service) advance(ctx context.Context, tx privet.Tx, pol *policy.Compiled, r *privet.Request, d *details) error {
	if err := s.step(ctx, tx, pol, r, d); err != nil {
		return err
	}
	r.UpdatedAt = s.now()
	writeDetails(r, *d)
	return tx.UpdateRequest(ctx, r)
}

func (s *Service) step(ctx context.Context, tx privet.Tx, pol *policy.Compiled, r *privet.Request, d *details) error {
	law := pol.Law(r.Jurisdiction)
	right := jurisdiction.Right(r.Type)
	if d.B2B && law != nil && slices.Contains(pol.Policy.Rights.B2BExempt, law.Key) {
		return s.deny(ctx, tx, r, DenyB2BExempt)
	}
	if r.SubjectID != "" && law != nil && !d.Approved {
		if lim, ok := law.RepeatLimits[right]; ok && lim.Count > 0 {
			n, err := s.answered(ctx, tx, r, back(r.ReceivedAt, lim.Window))
			if err != nil {
				return err
			}
			if n >= lim.Count {
				return s.deny(ctx, tx, r, DenyRepeatLimit)
			}
		}
	}
	if amount, ok := pol.Policy.Rights.Fees.FeeAmount(); ok && r.Fee == nil && r.SubjectID != "" && copies(right) {
		n, err := tx.CountRequests(ctx, r.TenantID, privet.RequestFilter{SubjectID: r.SubjectID, Type: r.Type,
			Status: privet.RequestCompleted, ReceivedFrom: r.ReceivedAt.AddDate(-1, 0, 0), ReceivedTo: r.ReceivedAt})
		if err != nil {
			return err
		}
		if n >= pol.Policy.Rights.Fees.FreeCopies {
			return s.askFee(ctx, tx, r, amount, FeeRepetitive)
		}
	}
	if r.Fee != nil && r.Fee.AcceptedAt == nil {
		r.Status = privet.RequestAwaitingFee
		return nil
	}
	if client := routeTo(pol, d); client != "" {
		r.Status, r.ProcessorClient = privet.RequestRouted, client
		if err := notify(ctx, tx, r, TemplateForwarded); err != nil {
			return err
		}
		return notify(ctx, tx, r, TemplateRouted)
	}
	if (slices.Contains(pol.Policy.Rights.Approval, r.Type) || right == jurisdiction.RightAppeal) && !d.Approved {
		r.Status = privet.RequestAwaitingApproval
		return nil
	}
	if right == jurisdiction.RightErasure && pol.Policy.Rights.ConfirmErasure && !d.Confirmed {
		r.Status = privet.RequestAwaitingConfirm
		return nil
	}
	r.Status = privet.RequestInProgress
	return tx.Enqueue(ctx, ExecuteJob{TenantID: r.TenantID, RequestID: r.ID})
}

// answered counts the subject's requests of r's type received from since
// until r, other than those refused or never verified: the requests a
// repeat limit counts.
func (s *Service) answered(ctx context.Context, tx privet.Tx, r *privet.Request, since time.Time) (int, error) {
	f := privet.RequestFilter{SubjectID: r.SubjectID, Type: r.Type, ReceivedFrom: since, ReceivedTo: r.ReceivedAt}
	n, err := tx.CountRequests(ctx, r.TenantID, f)
	for _, st := range []privet.RequestStatus{privet.RequestDenied, privet.RequestExpired} {
		if err != nil {
			return 0, err
		}
		f.Status = st
		var m int
		m, err = tx.CountRequests(ctx, r.TenantID, f)
		n -= m
	}
	return n, err
}

// copies reports whether a request type yields a copy of the data, which
// the policy may charge for after the free ones.
func copies(r jurisdiction.Right) bool {
	return r == jurisdiction.RightAccess || r == jurisdiction.RightPortability
}

// routeTo returns the client a request is referred to, "" for none: the
// client the request names (the one that controls the data it is about),
// or, for a processor with a single client, that client.
func routeTo(pol *policy.Compiled, d *details) string {
	if d.Client != "" {
		return d.Client
	}
	if pol.Policy.Role == "processor" && len(pol.Policy.Clients) == 1 {
		return pol.Policy.Clients[0].Key
	}
	return ""
}

// askFee puts r on hold for a fee: the person is told why and the estimate
// before any work starts, and nothing runs until they accept.
func (s *Service) askFee(ctx context.Context, tx privet.Tx, r *privet.Request, amount policy.Money, reason string) error {
	r.Fee = &privet.RequestFee{Amount: amount.String(), Reason: reason}
	r.Status = privet.RequestAwaitingFee
	return notify(ctx, tx, r, TemplateFee)
}

// back returns t moved back by p: the start of a window of length p ending
// at t. Business days and hours are counted as calendar time, which only
// widens the window.
func back(t time.Time, p deadline.Period) time.Time {
	switch p.Unit {
	case deadline.Months:
		return t.AddDate(0, -p.N, 0)
	case deadline.Years:
		return t.AddDate(-p.N, 0, 0)
	case deadline.Weeks:
		return t.AddDate(0, 0, -7*p.N)
	case deadline.Hours:
		return t.Add(-time.Duration(p.N) * time.Hour)
	}
	return t.AddDate(0, 0, -p.N)
}

// deny closes r as denied with reason and tells the requester, with the
// appeal and complaint routes of the law.
func (s *Service) deny(ctx context.Context, tx privet.Tx, r *privet.Request, reason string) error {
	now := s.now()
	r.Status, r.Outcome, r.DenyReason, r.CompletedAt = privet.RequestDenied, privet.OutcomeDenied, reason, &now
	return notify(ctx, tx, r, TemplateDenied)
}

// complete closes r with an outcome and tells the requester.
func (s *Service) complete(ctx context.Context, tx privet.Tx, r *privet.Request, outcome string) error {
	now := s.now()
	r.Status, r.Outcome, r.CompletedAt = privet.RequestCompleted, outcome, &now
	return notify(ctx, tx, r, TemplateCompleted)
}

// change loads the tenant's request in a write transaction, lets fn change
// it, and saves it with its details. Another tenant's request is ENOTFOUND.
func (s *Service) change(ctx context.Context, tenantID, id string, fn func(tx privet.Tx, pol *policy.Compiled, r *privet.Request, d *details) error) (*privet.Request, error) {
	pol, err := s.policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	var out *privet.Request
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		r, err := tx.Request(ctx, tenantID, id)
		if err != nil {
			return err
		}
		d := readDetails(r)
		if err := fn(tx, pol, r, &d); err != nil {
			return err
		}
		r.UpdatedAt = s.now()
		writeDetails(r, d)
		out = r
		return tx.UpdateRequest(ctx, r)
	})
	return out, err
}

func wantStatus(r *privet.Request, allowed ...privet.RequestStatus) error {
	if !slices.Contains(allowed, r.Status) {
		return privet.Errorf(privet.ECONFLICT, "the request is %s", r.Status)
	}
	return nil
}

func checkReason(reason string) error {
	switch {
	case reason == "":
		return privet.FieldError("reason", "a reason is required")
	case len(reason) > maxReasonBytes:
		return privet.FieldError("reason", "a reason has at most %d bytes", maxReasonBytes)
	}
	return nil
}

// Approve lets a request the policy holds for approval go on. On a request
// routed to a processor's client, it records that the client answered it,
// which closes it.
func (s *Service) Approve(ctx context.Context, actor privet.Actor, tenantID, id string) (*privet.Request, error) {
	return s.change(ctx, tenantID, id, func(tx privet.Tx, pol *policy.Compiled, r *privet.Request, d *details) error {
		if r.Status == privet.RequestRouted {
			if err := s.audit(ctx, tx, actor, r, "request.approve", "routed"); err != nil {
				return err
			}
			return s.complete(ctx, tx, r, privet.OutcomeRouted)
		}
		if err := wantStatus(r, privet.RequestAwaitingApproval); err != nil {
			return err
		}
		d.Approved = true
		if err := s.audit(ctx, tx, actor, r, "request.approve", ""); err != nil {
			return err
		}
		if jurisdiction.Right(r.Type) == jurisdiction.RightAppeal {
			// An appeal granted is answered by a person; nothing runs.
			return s.complete(ctx, tx, r, privet.OutcomeComplied)
		}
		return s.step(ctx, tx, pol, r, d)
	})
}

// Deny refuses an open request with a reason (e.g. manifestly unfounded or
// excessive). The notice carries the appeal and complaint routes.
func (s *Service) Deny(ctx context.Context, actor privet.Actor, tenantID, id, reason string) (*privet.Request, error) {
	return s.change(ctx, tenantID, id, func(tx privet.Tx, _ *policy.Compiled, r *privet.Request, _ *details) error {
		// Checked once the request is found, so another tenant's id is a
		// 404 whatever the body says.
		if err := checkReason(reason); err != nil {
			return err
		}
		if !r.Open() || r.Status == privet.RequestInProgress {
			return privet.Errorf(privet.ECONFLICT, "the request is %s", r.Status)
		}
		if err := s.audit(ctx, tx, actor, r, "request.deny", ""); err != nil {
			return err
		}
		return s.deny(ctx, tx, r, reason)
	})
}

// AcceptFee records that the subject accepted the request's fee.
func (s *Service) AcceptFee(ctx context.Context, actor privet.Actor, tenantID, id string) (*privet.Request, error) {
	return s.change(ctx, tenantID, id, func(tx privet.Tx, pol *policy.Compiled, r *privet.Request, d *details) error {
		if err := wantStatus(r, privet.RequestAwaitingFee); err != nil {
			return err
		}
		now := s.now()
		r.Fee.AcceptedAt = &now
		if err := s.audit(ctx, tx, actor, r, "request.accept_fee", ""); err != nil {
			return err
		}
		return s.step(ctx, tx, pol, r, d)
	})
}

// Charge holds a request a person at the company judges excessive or
// repetitive for a fee, where the policy lets such requests be charged
// (rights.fees.excessive): the requester is told the reason and the
// policy's estimate before any work, and the request waits for AcceptFee
// (or a denial, fee_not_accepted). A request already being executed, or
// closed, is ECONFLICT.
func (s *Service) Charge(ctx context.Context, actor privet.Actor, tenantID, id, reason string) (*privet.Request, error) {
	return s.change(ctx, tenantID, id, func(tx privet.Tx, pol *policy.Compiled, r *privet.Request, _ *details) error {
		if reason != FeeExcessive && reason != FeeRepetitive {
			return privet.FieldError("reason", "must be %s or %s", FeeExcessive, FeeRepetitive)
		}
		if err := wantStatus(r, privet.RequestOpen, privet.RequestAwaitingApproval, privet.RequestAwaitingConfirm); err != nil {
			return err
		}
		if r.Fee != nil {
			return privet.Errorf(privet.ECONFLICT, "the request has a fee already")
		}
		estimate, ok := pol.Policy.Rights.Fees.ExcessiveEstimate()
		if !ok {
			return privet.FieldError("reason", "the policy charges no fee for excessive or repetitive requests (rights.fees.excessive and an amount or estimate above zero)")
		}
		if err := s.audit(ctx, tx, actor, r, "request.charge", reason); err != nil {
			return err
		}
		return s.askFee(ctx, tx, r, estimate, reason)
	})
}

// Confirm records the subject's confirmation of an erasure.
func (s *Service) Confirm(ctx context.Context, actor privet.Actor, tenantID, id string) (*privet.Request, error) {
	return s.change(ctx, tenantID, id, func(tx privet.Tx, pol *policy.Compiled, r *privet.Request, d *details) error {
		if err := wantStatus(r, privet.RequestAwaitingConfirm); err != nil {
			return err
		}
		d.Confirmed = true
		if err := s.audit(ctx, tx, actor, r, "request.confirm", ""); err != nil {
			return err
		}
		return s.step(ctx, tx, pol, r, d)
	})
}

// ConfirmByToken records a public requester's confirmation of an erasure,
// through the request's status link.
func (s *Service) ConfirmByToken(ctx context.Context, token string) (*privet.Request, error) {
	r, err := s.byStatusToken(ctx, token)
	if err != nil {
		return nil, err
	}
	return s.Confirm(ctx, privet.Actor{Type: privet.ActorSubject, ID: r.ID}, r.TenantID, r.ID)
}

// Extend extends the deadline by the most the law allows, once, with a
// reason the requester is told.
func (s *Service) Extend(ctx context.Context, actor privet.Actor, tenantID, id, reason string) (*privet.Request, error) {
	return s.change(ctx, tenantID, id, func(tx privet.Tx, pol *policy.Compiled, r *privet.Request, _ *details) error {
		if err := checkReason(reason); err != nil {
			return err
		}
		if !r.Open() {
			return privet.Errorf(privet.ECONFLICT, "the request is %s", r.Status)
		}
		if r.ExtendedTo != nil {
			return privet.Errorf(privet.ECONFLICT, "the request was extended already")
		}
		law := pol.Law(r.Jurisdiction)
		if law == nil || law.Extension.IsZero() {
			return privet.Errorf(privet.EINVALID, "the law of %s allows no extension", r.Jurisdiction)
		}
		to := deadline.Add(r.DueAt, law.Extension, nil)
		r.DueAt, r.ExtendedTo, r.ExtensionReason = to, &to, reason
		if err := s.audit(ctx, tx, actor, r, "request.extend", ""); err != nil {
			return err
		}
		return notify(ctx, tx, r, TemplateExtended)
	})
}

// AwaitInfo records that the requester was asked for information. Where
// the law lets the clock pause for it, the deadline stops until Resume.
func (s *Service) AwaitInfo(ctx context.Context, actor privet.Actor, tenantID, id string) (*privet.Request, error) {
	return s.change(ctx, tenantID, id, func(tx privet.Tx, pol *policy.Compiled, r *privet.Request, d *details) error {
		if err := wantStatus(r, privet.RequestOpen, privet.RequestAwaitingApproval, privet.RequestAwaitingFee, privet.RequestAwaitingConfirm); err != nil {
			return err
		}
		d.ResumeTo, r.Status = r.Status, privet.RequestAwaitingInfo
		if law := pol.Law(r.Jurisdiction); law != nil && law.PausesForInformation {
			now := s.now()
			r.PausedAt = &now
		}
		return s.audit(ctx, tx, actor, r, "request.await_info", "")
	})
}

// Resume records that the information asked for arrived: a paused clock
// runs again, the deadline moved by the time it stood still.
func (s *Service) Resume(ctx context.Context, actor privet.Actor, tenantID, id string) (*privet.Request, error) {
	return s.change(ctx, tenantID, id, func(tx privet.Tx, pol *policy.Compiled, r *privet.Request, d *details) error {
		if err := wantStatus(r, privet.RequestAwaitingInfo); err != nil {
			return err
		}
		if r.PausedAt != nil {
			paused := s.now().Sub(*r.PausedAt)
			r.PausedTotal += paused
			r.DueAt = r.DueAt.Add(paused)
			r.PausedAt = nil
		}
		r.Status, d.ResumeTo = d.ResumeTo, ""
		if err := s.audit(ctx, tx, actor, r, "request.resume", ""); err != nil {
			return err
		}
		if r.Status == privet.RequestOpen || r.Status == "" {
			return s.step(ctx, tx, pol, r, d)
		}
		return nil
	})
}

// Get returns the tenant's request. ENOTFOUND for another tenant's.
func (s *Service) Get(ctx context.Context, tenantID, id string) (*privet.Request, error) {
	var r *privet.Request
	err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		r, err = tx.Request(ctx, tenantID, id)
		return err
	})
	return r, err
}

// List lists the tenant's requests by due date.
func (s *Service) List(ctx context.Context, tenantID string, f privet.RequestFilter) ([]*privet.Request, error) {
	if f.Status != "" {
		if _, err := privet.ParseRequestStatus(string(f.Status)); err != nil {
			return nil, err
		}
	}
	var out []*privet.Request
	err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		out, err = tx.Requests(ctx, tenantID, f)
		return err
	})
	return out, err
}

// denyMessage is the sentence a denial reason code stands for.
func denyMessage(reason string) string {
	switch reason {
	case DenyRepeatLimit:
		return "The law lets us refuse more requests of this kind in this period."
	case DenyExcessive:
		return "The request is manifestly unfounded or excessive."
	case DenyB2BExempt:
		return "Business contact data of employees acting in their job is exempt."
	case DenyUnverified:
		return "We could not verify your identity to the degree the law requires."
	case DenyFeeNotAccepted:
		return "The fee for the request was not accepted."
	}
	return reason
}

// feeMessage is the sentence a fee reason stands for.
func feeMessage(reason string) string {
	switch reason {
	case FeeRepetitive:
		return "You have received the free copies of your data for the last 12 months; a further copy is charged."
	case FeeExcessive:
		return "We judge the request manifestly unfounded or excessive, in particular because of its repetitive character; the law lets us charge a reasonable fee for it."
	}
	return reason
}
