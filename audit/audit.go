// Package audit reads and proves the audit log: queries by subject, actor and
// time; signed checkpoints of each tenant's hash chain; and verification that
// finds the first edited, deleted, inserted or reordered event.
//
// Events are written by the services that touch data, in the same
// transaction as the change (see privet.AuditStore.AppendAudit); this package
// never writes events, only checkpoints.
package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
)

// Service is the audit log's reader and notary.
type Service struct {
	Store  privet.Store
	Master *crypto.Master
	Clock  privet.Clock
}

// errAlreadySigned ends a checkpoint transaction whose head has a checkpoint.
var errAlreadySigned = privet.Errorf(privet.ECONFLICT, "the chain head is already signed")

// MaxPage is the largest page of events one query returns.
const MaxPage = 1000

// Events returns the tenant's events matching q, in chain order.
func (s *Service) Events(ctx context.Context, tenantID string, q privet.AuditQuery) ([]*privet.AuditEvent, error) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	if q.Limit > MaxPage {
		return nil, privet.FieldError("limit", "must be at most %d", MaxPage)
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Until.Before(q.Since) {
		return nil, privet.FieldError("until", "must not be before since")
	}
	var evs []*privet.AuditEvent
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		var err error
		evs, err = tx.AuditEvents(ctx, tenantID, q)
		return err
	})
	return evs, err
}

// Checkpoint signs the tenant's current chain head with the tenant's Ed25519
// key and stores the checkpoint. With no events yet there is nothing to sign:
// ENOTFOUND.
func (s *Service) Checkpoint(ctx context.Context, tenantID string) (*privet.Checkpoint, error) {
	var cp *privet.Checkpoint
	err := s.Store.Update(ctx, func(tx privet.Tx) error {
		t, err := tx.Tenant(ctx, tenantID)
		if err != nil {
			return err
		}
		seq, hash, err := tx.AuditHead(ctx, tenantID)
		if errors.Is(err, privet.ErrNotFound) {
			return privet.Errorf(privet.ENOTFOUND, "the audit log is empty")
		} else if err != nil {
			return err
		}
		priv, err := s.Master.Signer(tenantID, t.SigningKey)
		if err != nil {
			return err
		}
		cp = &privet.Checkpoint{TenantID: tenantID, Seq: seq, Hash: hash, Time: s.Clock.Now()}
		cp.Signature = ed25519.Sign(priv, cp.Message())
		err = tx.PutCheckpoint(ctx, cp)
		if privet.ErrorCode(err) == privet.ECONFLICT {
			// The head is already signed: nothing new to vouch for.
			return errAlreadySigned
		}
		return err
	})
	if err == errAlreadySigned {
		return cp, nil
	}
	return cp, err
}

// Report is the outcome of a verification.
type Report struct {
	TenantID    string `json:"tenant_id"`
	Events      int64  `json:"events"`
	Checkpoints int    `json:"checkpoints"`
	OK          bool   `json:"ok"`
	// FirstSeq is the first event kept; events before it were deleted by
	// retention, up to the signed checkpoint that anchors the chain now.
	FirstSeq int64 `json:"first_seq,omitempty"`
	// FirstBadSeq is the position of the first event that fails, 0 when OK.
	FirstBadSeq int64  `json:"first_bad_seq,omitempty"`
	Problem     string `json:"problem,omitempty"`
}

// Verify walks the tenant's whole chain: sequence numbers must run 1, 2, 3…
// without gaps, each event's PrevHash must equal the previous event's Hash,
// and each Hash must match the event's contents. Every checkpoint's signature
// must verify under the tenant's public key and its hash must equal the hash
// of the event at its position, which catches a chain cut short or rewritten
// from some point on. It names the first bad event.
//
// A chain whose oldest events retention deleted starts later: its first
// event must link to the signed checkpoint just before it (or, while a prune
// is under way, be vouched for by a later checkpoint), and an audit.prune
// event in the verified chain must state that every missing event was
// deleted up to a signed checkpoint.
func (s *Service) Verify(ctx context.Context, tenantID string) (*Report, error) {
	r := &Report{TenantID: tenantID}
	var (
		tenant *privet.Tenant
		cps    []*privet.Checkpoint
	)
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		var err error
		if tenant, err = tx.Tenant(ctx, tenantID); err != nil {
			return err
		}
		cps, err = tx.Checkpoints(ctx, tenantID)
		return err
	})
	if err != nil {
		return nil, err
	}
	r.Checkpoints = len(cps)
	want := map[int64]*privet.Checkpoint{}
	for _, cp := range cps {
		if !ed25519.Verify(ed25519.PublicKey(tenant.SigningPublicKey), cp.Message(), cp.Signature) {
			return r.fail(cp.Seq, "checkpoint signature does not verify"), nil
		}
		want[cp.Seq] = cp
	}

	var prev []byte
	var maxSeq, first, pruned int64
	q := privet.AuditQuery{Limit: MaxPage}
	for {
		evs, err := s.Events(ctx, tenantID, q)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if first == 0 {
				first, maxSeq = e.Seq, e.Seq-1
				if cp, ok := want[maxSeq]; ok {
					prev = cp.Hash
				} else if e.Seq > 1 {
					// A prune cut short: the checkpoint it deletes up to,
					// later in the chain, vouches for this event.
					prev = e.PrevHash
				}
			}
			expected := maxSeq + 1
			switch {
			case e.Seq != expected:
				return r.fail(expected, fmt.Sprintf("expected event %d, found %d: an event was deleted, inserted or reordered", expected, e.Seq)), nil
			case !bytes.Equal(e.PrevHash, prev):
				return r.fail(e.Seq, "its previous-hash does not match the event before it"), nil
			case !bytes.Equal(e.Hash, e.ComputeHash()):
				return r.fail(e.Seq, "its contents do not match its hash: the event was edited"), nil
			}
			if cp, ok := want[e.Seq]; ok && !bytes.Equal(cp.Hash, e.Hash) {
				return r.fail(e.Seq, "it differs from the signed checkpoint at this position"), nil
			}
			if e.Action == PruneAction && e.ActorID == PruneActor.ID {
				if _, through, ok := ParsePruneReason(e.Reason); ok && want[through] != nil {
					pruned = max(pruned, through)
				}
			}
			prev, maxSeq = e.Hash, e.Seq
			r.Events++
		}
		if len(evs) < q.Limit {
			break
		}
		q.AfterSeq = maxSeq
	}
	if first > 1 {
		r.FirstSeq = first
		if pruned < first-1 {
			return r.fail(1, fmt.Sprintf("events 1 to %d are missing and no audit.prune event accounts for them: events were deleted", first-1)), nil
		}
	}
	for _, cp := range cps {
		if cp.Seq > maxSeq {
			return r.fail(maxSeq+1, fmt.Sprintf("a signed checkpoint covers event %d, but the chain ends at %d: events were deleted", cp.Seq, maxSeq)), nil
		}
	}
	r.OK = true
	return r, nil
}

func (r *Report) fail(seq int64, problem string) *Report {
	r.OK, r.FirstBadSeq, r.Problem = false, seq, problem
	return r
}
