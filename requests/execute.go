package requests

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/jurisdiction"
	"github.com/privet-dev/privet/policy"
)

// Execute runs a request in progress: the worker of ExecuteJob. It is
// idempotent: a request no longer in progress is left alone, and every
// effect (a package built per request id, an erasure, a correction, a
// withdrawal recorded) does nothing more when repeated, so a run after a
// crash finishes the work without doing any of it twice. The request closes
// in one transaction with its completion notice.
func (s *Service) Execute(ctx context.Context, tenantID, id string) error {
	r, err := s.Get(ctx, tenantID, id)
	if errors.Is(err, privet.ErrNotFound) {
		return nil // gone: nothing left to do
	} else if err != nil {
		return err
	}
	if r.Status != privet.RequestInProgress {
		return nil
	}
	pol, err := s.policy(ctx, tenantID)
	if err != nil {
		return err
	}
	d := readDetails(r)
	outcome, err := s.run(ctx, pol, r, &d)
	if err != nil {
		return err
	}
	_, err = s.change(ctx, tenantID, id, func(tx privet.Tx, _ *policy.Compiled, cur *privet.Request, cd *details) error {
		if cur.Status != privet.RequestInProgress {
			return nil
		}
		d.Tasks = append(cd.Tasks, "executed")
		*cd = d
		if err := s.audit(ctx, tx, systemActor, cur, "request.execute", outcome); err != nil {
			return err
		}
		if d.SentAt != nil {
			// Who received it is sealed with the request: the event says
			// only that the data went to the controller the person named.
			if err := s.audit(ctx, tx, systemActor, cur, "request.send", "to the controller the person named"); err != nil {
				return err
			}
		}
		return s.complete(ctx, tx, cur, outcome)
	})
	return err
}

// run does a request's work and returns its outcome.
func (s *Service) run(ctx context.Context, pol *policy.Compiled, r *privet.Request, d *details) (string, error) {
	right := jurisdiction.Right(r.Type)
	if r.SubjectID == "" {
		// Nobody matched: no data found, for every type.
		return privet.OutcomeNoData, nil
	}
	switch right {
	case jurisdiction.RightAccess, jurisdiction.RightPortability:
		if d.Scope == "categories" {
			rep, err := s.KnowReport(ctx, pol, r.TenantID, r.SubjectID, r.Jurisdiction, r.ReceivedAt)
			d.Report = rep
			return privet.OutcomeCompliedInPart, err
		}
		if s.Packages == nil {
			return "", privet.Errorf(privet.EUNAVAILABLE, "no package builder is configured")
		}
		pkg, exp, err := s.Packages.Build(ctx, r.TenantID, r.SubjectID, r.ID)
		if err != nil {
			return "", err
		}
		d.PackageID, d.PackageExpires = pkg, &exp
		if d.SendTo {
			if err := s.sendToController(ctx, pol, r, d); err != nil {
				return "", err
			}
		}
		return privet.OutcomeComplied, nil
	case jurisdiction.RightKnow:
		rep, err := s.KnowReport(ctx, pol, r.TenantID, r.SubjectID, r.Jurisdiction, r.ReceivedAt)
		d.Report = rep
		return privet.OutcomeComplied, err
	case jurisdiction.RightShineTheLight:
		d.Report = ShineTheLight(pol, r.ReceivedAt)
		return privet.OutcomeComplied, nil
	case jurisdiction.RightErasure:
		return s.erase(ctx, r, d)
	case jurisdiction.RightRectification:
		p, err := s.openPayload(ctx, r)
		if err != nil {
			return "", err
		}
		for _, src := range s.sources() {
			if err := src.Rectify(ctx, r.TenantID, r.SubjectID, p.Corrections); err != nil {
				return "", err
			}
		}
		d.Corrected = d.Corrected[:0]
		for n := range p.Corrections {
			d.Corrected = append(d.Corrected, n)
		}
		slices.Sort(d.Corrected)
		return privet.OutcomeComplied, nil
	case jurisdiction.RightRestriction:
		if err := s.Vault.Restrict(ctx, systemActor, r.TenantID, r.SubjectID); err != nil {
			return "", err
		}
		return privet.OutcomeComplied, nil
	case jurisdiction.RightObjection, jurisdiction.RightWithdrawConsent, jurisdiction.RightOptOutSale,
		jurisdiction.RightOptOutSharing, jurisdiction.RightOptOutTargetedAds, jurisdiction.RightLimitSensitive,
		jurisdiction.RightNoAutomatedDecisions:
		return s.withdraw(ctx, pol, r, d)
	}
	// An appeal is answered by a person (Approve or Deny), never run.
	return privet.OutcomeComplied, nil
}

// erase erases the subject from every source, or only the categories the
// request names, except what is held.
func (s *Service) erase(ctx context.Context, r *privet.Request, d *details) (string, error) {
	var keep []privet.KeptCategory
	if s.Holds != nil {
		holds, err := s.Holds.Held(ctx, r.TenantID, r.SubjectID)
		if err != nil {
			return "", err
		}
		for _, h := range holds {
			keep = append(keep, privet.KeptCategory{Category: h.Category, Reason: h.Reason})
		}
	}
	d.Erasure = nil
	outcome := privet.OutcomeComplied
	for _, src := range s.sources() {
		rep, err := src.Erase(ctx, r.TenantID, r.SubjectID, privet.ErasureScope{Categories: d.Categories, Keep: keep})
		if err != nil {
			return "", err
		}
		d.Erasure = append(d.Erasure, rep)
		if len(rep.Kept) > 0 {
			outcome = privet.OutcomeCompliedInPart
		}
	}
	return outcome, nil
}

// sendToController sends the signed download link of a portability
// request's package to the controller the person named: by email, to the
// address they gave, never to a URL privet would fetch. It runs before the
// request closes, so the person's completion notice can say it was sent; a
// rerun after a crash sends the same message again (one Message-ID per
// request, which mail systems fold).
func (s *Service) sendToController(ctx context.Context, pol *policy.Compiled, r *privet.Request, d *details) error {
	p, err := s.openPayload(ctx, r)
	if err != nil {
		return err
	}
	if p.SendTo == nil {
		return privet.Errorf(privet.EINTEGRITY, "the request's receiving controller is gone")
	}
	if s.Notifier == nil {
		return privet.Errorf(privet.EUNAVAILABLE, "no notifier is configured")
	}
	vars := s.vars(pol, r)
	vars["package_id"] = d.PackageID
	if err := s.Notifier.Notify(ctx, Notice{TenantID: r.TenantID, RequestID: r.ID, SubjectID: r.SubjectID,
		Template: TemplatePorted, ContactType: privet.IdentityEmail, Contact: p.SendTo.Email, Vars: vars}); err != nil {
		return err
	}
	now := s.now()
	d.SentAt = &now
	return nil
}

// withdraw records, in the consent ledger, the end of every purpose the
// request covers: the purposes named, or those the type stops.
func (s *Service) withdraw(ctx context.Context, pol *policy.Compiled, r *privet.Request, d *details) (string, error) {
	purposes := d.Purposes
	if len(purposes) == 0 {
		purposes = Stops(pol, r.Jurisdiction, r.Type)
	}
	if s.Consent == nil {
		return "", privet.Errorf(privet.EUNAVAILABLE, "no consent ledger is configured")
	}
	for _, p := range purposes {
		if _, err := s.Consent.Record(ctx, systemActor, r.TenantID, consent.RecordInput{
			Party: consent.Party{SubjectID: r.SubjectID}, Purpose: p, State: privet.StateWithdrawn,
			Source: privet.SourceAPI, Jurisdiction: r.Jurisdiction,
		}); err != nil {
			return "", err
		}
	}
	d.Purposes = purposes
	return privet.OutcomeComplied, nil
}

// Stops returns the purposes a request type stops in place: consent-based
// purposes for a withdrawal, legitimate-interest ones for an objection, the
// purposes marked sale, sharing or targeted ads for those opt-outs, the
// purposes reading sensitive categories for a limit, profiling for
// automated decisions.
func Stops(pol *policy.Compiled, place, typ string) []string {
	var out []string
	for _, p := range pol.Policy.Purposes {
		var hit bool
		switch jurisdiction.Right(typ) {
		case jurisdiction.RightWithdrawConsent:
			hit = pol.Basis(p.Key, place) == "consent"
		case jurisdiction.RightObjection:
			// Running the service the person uses is the compelling ground
			// (GDPR Art. 21(1)) an objection does not stop: that is what
			// closing the account is for. Everything else on legitimate
			// interests, direct marketing above all, stops.
			hit = pol.Basis(p.Key, place) == "legitimate_interests" && p.Key != "essential" && !strings.HasPrefix(p.Key, "essential.")
		case jurisdiction.RightOptOutSale:
			hit = p.Sale
		case jurisdiction.RightOptOutSharing:
			hit = p.Sharing
		case jurisdiction.RightOptOutTargetedAds:
			hit = p.TargetedAds
		case jurisdiction.RightNoAutomatedDecisions:
			hit = p.Profiling
		case jurisdiction.RightLimitSensitive:
			hit = slices.ContainsFunc(p.Categories, pol.Sensitive)
		}
		if hit {
			out = append(out, p.Key)
		}
	}
	return out
}

// KnowReport answers a right to know: the categories held about the
// subject, where they came from, what they are used for and who received
// them, over the twelve months before the request. It names categories,
// purposes and recipients, never values.
type KnowReport struct {
	From       time.Time         `json:"from"`
	To         time.Time         `json:"to"`
	Categories []ReportCategory  `json:"categories,omitempty"`
	Recipients []ReportRecipient `json:"recipients,omitempty"`
	// AutomatedDecisions are the purposes involving automated
	// decision-making or profiling that use the person's data, with the
	// logic where the policy gives it; empty (never absent) when none do.
	AutomatedDecisions []ReportProfiling `json:"automated_decisions"`
}

// ReportProfiling is a purpose that profiles, in a report.
type ReportProfiling struct {
	Purpose string `json:"purpose"`
	Logic   string `json:"logic,omitempty"`
}

// ReportCategory is one category in a report.
type ReportCategory struct {
	Category string   `json:"category"`
	Sources  []string `json:"sources,omitempty"`
	Purposes []string `json:"purposes,omitempty"`
}

// ReportRecipient is one recipient in a report.
type ReportRecipient struct {
	Key        string   `json:"key"`
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	Categories []string `json:"categories,omitempty"`
}

// Lines words the report a line each, for the person's answer: every
// category with where it came from and what it is used for, every recipient
// with what it received. Keys, never values.
func (r *KnowReport) Lines() []string {
	var out []string
	for _, c := range r.Categories {
		line := c.Category
		if len(c.Sources) > 0 {
			line += "; from: " + strings.Join(c.Sources, ", ")
		}
		if len(c.Purposes) > 0 {
			line += "; used for: " + strings.Join(c.Purposes, ", ")
		}
		out = append(out, line)
	}
	for _, rc := range r.Recipients {
		line := rc.Name + " (" + rc.Type + ")"
		if len(rc.Categories) > 0 {
			line += ": " + strings.Join(rc.Categories, ", ")
		}
		out = append(out, line)
	}
	for _, p := range r.AutomatedDecisions {
		line := "automated decision-making or profiling: " + p.Purpose
		if p.Logic != "" {
			line += " (" + p.Logic + ")"
		}
		out = append(out, line)
	}
	return out
}

func covers(keys []string, category string) bool {
	return slices.ContainsFunc(keys, func(k string) bool { return under(category, k) || under(k, category) })
}

// KnowReport builds the right-to-know report of a subject from the data
// sources' inventories and the policy.
func (s *Service) KnowReport(ctx context.Context, pol *policy.Compiled, tenantID, subjectID, place string, at time.Time) (*KnowReport, error) {
	held := map[string]bool{}
	for _, src := range s.sources() {
		inv, err := src.Access(ctx, tenantID, subjectID)
		if err != nil {
			return nil, err
		}
		for c := range inv.Fields {
			held[c] = true
		}
	}
	rep := &KnowReport{From: at.AddDate(-1, 0, 0), To: at, AutomatedDecisions: []ReportProfiling{}}
	cats := make([]string, 0, len(held))
	for c := range held {
		cats = append(cats, c)
	}
	slices.Sort(cats)
	for _, c := range cats {
		rc := ReportCategory{Category: c}
		for _, pc := range pol.Policy.Categories {
			if under(c, pc.Key) {
				rc.Sources = append(rc.Sources, pc.Sources...)
			}
		}
		for _, p := range pol.Policy.Purposes {
			if covers(p.Categories, c) && pol.Basis(p.Key, place) != "" {
				rc.Purposes = append(rc.Purposes, p.Key)
			}
		}
		rep.Categories = append(rep.Categories, rc)
	}
	for _, rc := range pol.Policy.Recipients {
		var got []string
		for _, c := range cats {
			if covers(rc.Categories, c) {
				got = append(got, c)
			}
		}
		if len(got) > 0 {
			rep.Recipients = append(rep.Recipients, ReportRecipient{Key: rc.Key, Name: rc.Name, Type: rc.Type, Categories: got})
		}
	}
	for _, p := range pol.Policy.Purposes {
		if p.Profiling && pol.Basis(p.Key, place) != "" && slices.ContainsFunc(cats, func(c string) bool { return covers(p.Categories, c) }) {
			rep.AutomatedDecisions = append(rep.AutomatedDecisions, ReportProfiling{Purpose: p.Key, Logic: p.ProfilingLogic})
		}
	}
	return rep, nil
}

// ShineTheLight answers California's Shine the Light request (Cal. Civ.
// Code §1798.83): the third parties given personal data for their own
// direct marketing in the calendar year before the request, with the
// categories they received.
func ShineTheLight(pol *policy.Compiled, at time.Time) *KnowReport {
	y := at.Year() - 1
	rep := &KnowReport{From: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC),
		AutomatedDecisions: []ReportProfiling{}}
	for _, rc := range pol.Policy.Recipients {
		if rc.DirectMarketing {
			rep.Recipients = append(rep.Recipients, ReportRecipient{Key: rc.Key, Name: rc.Name, Type: rc.Type, Categories: rc.Categories})
		}
	}
	return rep
}
