package retention

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// MaxAge bounds a learned age.
const MaxAge = 150

// AgeOutcome is what learning a subject's age did.
type AgeOutcome struct {
	// Action is "" when nothing had to happen, else the policy's children
	// action taken: delete, restrict or guardian_consent (restricted until a
	// guardian consents).
	Action string `json:"action,omitempty"`
	// HoldID is set when a legal hold kept the subject from deletion: it is
	// restricted instead.
	HoldID string `json:"hold_id,omitempty"`
}

// AgeLearned records a subject's age. Below the policy's minimum age, with no
// guardian consent recorded in the consent ledger, the policy's children
// action happens at once and is audited: the subject is erased (or, under a
// legal hold, restricted), restricted, or restricted until a guardian
// consents.
func (s *Service) AgeLearned(ctx context.Context, actor privet.Actor, tenantID, id string, age int) (*AgeOutcome, error) {
	if age < 0 || age > MaxAge {
		return nil, privet.FieldError("age", "must be between 0 and %d", MaxAge)
	}
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	now := s.now().Now()
	out := &AgeOutcome{}
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		sub, err := live(ctx, tx, tenantID, id, "subject_id")
		if err != nil {
			return err
		}
		sub.AgeBand, sub.UpdatedAt = ageBand(age), now
		ev := actor.Event(tenantID, "subject.age_learned", now)
		ev.SubjectID = id
		child := age < pol.Policy.Children.MinimumAge
		if child {
			guardian, err := guardianConsent(ctx, tx, tenantID, id)
			if err != nil {
				return err
			}
			child = !guardian
		}
		if child {
			out.Action = pol.Policy.Children.Action
			ev.Action = "children." + out.Action
			ev.Reason = "no guardian consent"
			if out.Action == policy.ActionDelete {
				holds, err := activeHolds(ctx, tx, tenantID, now)
				if err != nil {
					return err
				}
				for _, h := range holds {
					if h.Covers(id, "") {
						out.HoldID = h.ID
						break
					}
				}
				if out.HoldID == "" {
					ev.Categories = categoriesOf(sub)
					if err := tx.EraseSubjects(ctx, tenantID, []string{id}, now); err != nil {
						return err
					}
					return tx.AppendAudit(ctx, ev)
				}
				ev.Reason += "; restricted under legal hold " + out.HoldID
			}
			sub.Status = privet.StatusRestricted
		}
		if err := tx.UpdateSubject(ctx, sub); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, ev)
	})
	if err != nil {
		return nil, err
	}
	if out.Action == policy.ActionDelete && out.HoldID == "" {
		if err := s.shred(ctx, tenantID, []string{id}); err != nil {
			return nil, err
		}
	}
	s.changed(tenantID, id)
	return out, nil
}

func ageBand(age int) string {
	switch {
	case age < 13:
		return "under_13"
	case age < 16:
		return "13_15"
	case age < 18:
		return "16_17"
	}
	return "adult"
}

// guardianConsent reports whether a guardian's consent is recorded for the
// subject and not taken back since: the latest guardian event per purpose.
func guardianConsent(ctx context.Context, tx privet.Tx, tenantID, id string) (bool, error) {
	latest := map[string]privet.ConsentState{}
	for after := int64(0); ; {
		evs, err := tx.ConsentEvents(ctx, tenantID, privet.ConsentQuery{SubjectID: id, AfterSeq: after, Limit: 1000})
		if err != nil {
			return false, err
		}
		for _, e := range evs {
			if e.Guardian {
				latest[e.Purpose] = e.State
			}
		}
		if len(evs) < 1000 {
			break
		}
		after = evs[len(evs)-1].Seq
	}
	for _, st := range latest {
		if st == privet.StateGiven {
			return true, nil
		}
	}
	return false, nil
}

func categoriesOf(sub *privet.Subject) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range sub.Fields {
		if !seen[f.Category] {
			seen[f.Category] = true
			out = append(out, f.Category)
		}
	}
	return out
}
