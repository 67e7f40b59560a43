package policies

import (
	"context"

	"github.com/privet-dev/privet"
)

// ActivateJob is the periodic job that notices versions newly in effect and
// runs what their taking effect needs: consent renewal where the version
// widens a consent-based purpose, and, for a version published with a
// right taken away, every consent asked again.
type ActivateJob struct{}

// Kind names the job.
func (ActivateJob) Kind() string { return "policy.activate" }

var activateActor = privet.Actor{Type: privet.ActorSystem, ID: ActivateJob{}.Kind()}

// Activate activates every version of every tenant whose effective date has
// passed and that is not activated yet, oldest first, and returns how many.
// It is idempotent: renewal skips consents already marked, and a version is
// marked activated only after its renewal succeeded.
func (s *Service) Activate(ctx context.Context) (int, error) {
	now := s.now()
	var pending []*privet.PolicyVersion
	if err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		pending, err = tx.PolicyVersionsPending(ctx, now)
		return err
	}); err != nil {
		return 0, err
	}
	done := 0
	for _, v := range pending {
		if err := s.activate(ctx, v); err != nil {
			return done, err
		}
		done++
	}
	return done, nil
}

func (s *Service) activate(ctx context.Context, v *privet.PolicyVersion) error {
	var stored []*privet.PolicyVersion
	if err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		stored, err = tx.PolicyVersions(ctx, v.TenantID)
		return err
	}); err != nil {
		return err
	}
	next, err := s.compiled(v)
	if err != nil {
		return err
	}
	_, prev, err := s.predecessor(before(stored, v), v.Effective)
	if err != nil {
		return err
	}
	renewed := 0
	if s.Renewer != nil && prev != nil {
		n, err := s.Renewer.Renew(ctx, activateActor, v.TenantID, prev, next)
		if err != nil {
			return err
		}
		renewed += n
		if v.RightsReduced {
			n, err := s.Renewer.RenewPurposes(ctx, activateActor, v.TenantID, next.ConsentPurposes(), next)
			if err != nil {
				return err
			}
			renewed += n
		}
	}
	now := s.now()
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		first, err := tx.ActivatePolicyVersion(ctx, v.TenantID, v.Version, now)
		if err != nil || !first {
			return err
		}
		ev := activateActor.Event(v.TenantID, "policy.activate", now)
		ev.Reason = "version " + v.Version
		return tx.AppendAudit(ctx, ev)
	})
	if err == nil {
		s.logger().InfoContext(ctx, "policy version in effect", "tenant_id", v.TenantID, "version", v.Version, "consents_renewed", renewed)
	}
	return err
}
