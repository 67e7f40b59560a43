package storetest

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/privet-dev/privet"
)

// testRetentionRecords prunes each kind of record of one tenant: what is due
// goes (or is anonymized), what is not due, held, or another tenant's stays.
func testRetentionRecords(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	subs := map[string]*privet.Subject{}
	for _, tenantID := range []string{tn.ID, other.ID} {
		s := newSubject(tenantID)
		createSubject(t, st, s)
		subs[tenantID] = s
	}
	held := newSubject(tn.ID)
	createSubject(t, st, held)
	cut := now()
	old := cut.Add(-time.Hour)

	// Consent: given, withdrawn, given for one purpose; one choice for another.
	var inForce []string
	for _, tenantID := range []string{tn.ID, other.ID} {
		update(t, st, func(tx privet.Tx) error {
			for _, state := range []privet.ConsentState{privet.StateGiven, privet.StateWithdrawn, privet.StateGiven} {
				e := consentEvent(tenantID, subs[tenantID].ID, nil, "marketing", state)
				if err := tx.AppendConsent(ctx, e); err != nil {
					return err
				}
				if tenantID == tn.ID && state == privet.StateGiven {
					inForce = append(inForce[:0], e.ID)
				}
			}
			e := consentEvent(tenantID, subs[tenantID].ID, nil, "analytics", privet.StateRefused)
			if tenantID == tn.ID {
				inForce = append(inForce, e.ID)
			}
			return tx.AppendConsent(ctx, e)
		})
	}
	var pruned int
	update(t, st, func(tx privet.Tx) (err error) {
		pruned, err = tx.PruneConsentHistory(ctx, tn.ID, []string{subs[tn.ID].ID, subs[other.ID].ID})
		return err
	})
	kept := consentEvents(t, st, tn.ID, privet.ConsentQuery{SubjectID: subs[tn.ID].ID})
	if pruned != 2 || len(kept) != 2 || kept[0].ID != inForce[0] || kept[1].ID != inForce[1] {
		t.Errorf("PruneConsentHistory deleted %d and kept %d events; want 2 deleted, the choices in force kept", pruned, len(kept))
	}
	if n := len(consentEvents(t, st, other.ID, privet.ConsentQuery{SubjectID: subs[other.ID].ID})); n != 4 {
		t.Errorf("another tenant's consent events = %d, want 4", n)
	}

	// Packages and closed requests: one due, one not, one held, per tenant.
	type rec struct{ pkg, req string }
	made := map[string][]rec{}
	for _, tenantID := range []string{tn.ID, other.ID} {
		for i, sub := range []*privet.Subject{subs[tenantID], held} {
			if sub == held && tenantID != tn.ID {
				continue
			}
			for _, at := range []time.Time{old, cut.Add(time.Hour)} {
				p := newPackage(tenantID, sub.ID, cut.AddDate(1, 0, 0))
				p.CreatedAt = at
				r := newRequest(tenantID, sub.ID, 30)
				r.Type = []string{"access", "erasure"}[i]
				r.Status, r.Outcome, r.CompletedAt = privet.RequestCompleted, privet.OutcomeComplied, &at
				r.SealedContact, r.ContactType = randomBytes(40), privet.IdentityEmail
				update(t, st, func(tx privet.Tx) error {
					if err := tx.CreatePackage(ctx, p); err != nil {
						return err
					}
					if err := tx.FinishPackage(ctx, tenantID, p.ID, 0); err != nil {
						return err
					}
					return tx.CreateRequest(ctx, r)
				})
				made[tenantID] = append(made[tenantID], rec{p.ID, r.ID})
			}
		}
	}
	view(t, st, func(tx privet.Tx) error {
		for _, record := range []string{privet.RecordExportPackages, privet.RecordClosedRequests} {
			if n, err := tx.CountRecordsBefore(ctx, privet.RecordPrune{TenantID: tn.ID, Record: record, Before: cut}); err != nil || n != 2 {
				t.Errorf("CountRecordsBefore(%s) = %d, %v; want 2", record, n, err)
			}
			if n, err := tx.CountRecordsBefore(ctx, privet.RecordPrune{TenantID: tn.ID, Record: record, Before: cut, Keep: []string{held.ID}}); err != nil || n != 1 {
				t.Errorf("CountRecordsBefore(%s) keeping the held subject = %d, %v; want 1", record, n, err)
			}
		}
		return nil
	})
	prune := func(record, action string) int {
		var n int
		update(t, st, func(tx privet.Tx) (err error) {
			n, err = tx.PruneRecordsBefore(ctx, privet.RecordPrune{TenantID: tn.ID, Record: record, Action: action,
				Before: cut, At: cut, Limit: 10, Keep: []string{held.ID}})
			return err
		})
		return n
	}
	if n := prune(privet.RecordExportPackages, privet.RetentionDelete); n != 1 {
		t.Errorf("packages deleted = %d, want 1", n)
	}
	if n := prune(privet.RecordClosedRequests, privet.RetentionAnonymize); n != 1 {
		t.Errorf("requests anonymized = %d, want 1", n)
	}
	if n := prune(privet.RecordClosedRequests, privet.RetentionAnonymize); n != 0 {
		t.Errorf("requests anonymized again = %d, want 0", n)
	}
	view(t, st, func(tx privet.Tx) error {
		for tenantID, recs := range made {
			for i, r := range recs {
				gone := tenantID == tn.ID && i == 0
				_, err := tx.Package(ctx, tenantID, r.pkg)
				if (err != nil) != gone {
					t.Errorf("%s package %d: err %v, want gone %v", tenantID, i, err, gone)
				}
				req, err := tx.Request(ctx, tenantID, r.req)
				if err != nil {
					t.Fatal(err)
				}
				anonymized := req.SubjectID == "" && req.SealedContact == nil
				if anonymized != gone || req.CompletedAt == nil || req.Outcome != privet.OutcomeComplied {
					t.Errorf("%s request %d: %+v, want anonymized %v with its outcome", tenantID, i, req, gone)
				}
			}
		}
		return nil
	})
	if n := prune(privet.RecordClosedRequests, privet.RetentionDelete); n != 0 {
		t.Errorf("anonymized requests deleted = %d, want 0 (they left the index)", n)
	}

	// Audit: delete through a position, in two batches; the other tenant's
	// chain is untouched, and checkpoints below the position go.
	for _, tenantID := range []string{tn.ID, other.ID} {
		update(t, st, func(tx privet.Tx) error {
			for i := range 6 {
				e := &privet.AuditEvent{TenantID: tenantID, Time: now(), ActorType: privet.ActorSystem, Action: "a", Result: privet.ResultOK}
				if err := tx.AppendAudit(ctx, e); err != nil {
					return err
				}
				if i == 1 || i == 3 {
					// An event's Seq and Hash may be set only at commit (the
					// batch links it); the head read here includes it.
					seq, hash, err := tx.AuditHead(ctx, tenantID)
					if err != nil {
						return err
					}
					if err := tx.PutCheckpoint(ctx, &privet.Checkpoint{TenantID: tenantID, Seq: seq, Hash: hash, Time: now(), Signature: []byte("s")}); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	for _, want := range []int{3, 1, 0} {
		var n int
		update(t, st, func(tx privet.Tx) (err error) {
			n, err = tx.DeleteAuditThrough(ctx, tn.ID, 4, 3)
			return err
		})
		if n != want {
			t.Errorf("DeleteAuditThrough = %d, want %d", n, want)
		}
	}
	if evs := allEvents(t, st, tn.ID); len(evs) != 2 || evs[0].Seq != 5 {
		t.Errorf("events left = %d, want 5 and 6", len(evs))
	}
	if evs := allEvents(t, st, other.ID); len(evs) != 6 {
		t.Errorf("another tenant's events = %d, want 6", len(evs))
	}
	view(t, st, func(tx privet.Tx) error {
		cps, err := tx.Checkpoints(ctx, tn.ID)
		if err != nil || len(cps) != 1 || cps[0].Seq != 4 {
			t.Errorf("checkpoints = %+v, %v; want the anchor at 4 only", cps, err)
		}
		if cps, _ := tx.Checkpoints(ctx, other.ID); len(cps) != 2 {
			t.Errorf("another tenant's checkpoints = %d, want 2", len(cps))
		}
		return nil
	})
}

// testVisitorConsentRetention deletes the consent events of visitors never
// linked to a subject that are older than the cutoff, a limited batch at a
// time: a linked visitor's events, subjects' events, recent events and
// another tenant's stay.
func testVisitorConsentRetention(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	sub := newSubject(tn.ID)
	createSubject(t, st, sub)
	cut := now()
	old, recent := cut.Add(-time.Hour), cut.Add(time.Second)
	at := func(e *privet.ConsentEvent, t time.Time) *privet.ConsentEvent { e.Time = t; return e }

	unlinked, linked := randomBytes(32), randomBytes(32)
	var due, kept []*privet.ConsentEvent
	for _, v := range []struct {
		tenantID string
		visitor  []byte
	}{{tn.ID, unlinked}, {tn.ID, linked}, {other.ID, unlinked}} {
		for _, purpose := range []string{"ads", "analytics", "marketing"} {
			e := at(consentEvent(v.tenantID, "", v.visitor, purpose, privet.StateGiven), old)
			if v.tenantID == tn.ID && bytes.Equal(v.visitor, unlinked) {
				due = append(due, e)
			} else {
				kept = append(kept, e)
			}
		}
		kept = append(kept, at(consentEvent(v.tenantID, "", v.visitor, "ads", privet.StateRefused), recent))
	}
	gpc := at(consentEvent(tn.ID, "", unlinked, "", privet.StateRefused), old)
	gpc.Source = privet.SourceGPC
	due = append(due, gpc)
	kept = append(kept, at(consentEvent(tn.ID, sub.ID, nil, "ads", privet.StateGiven), old))
	update(t, st, func(tx privet.Tx) error {
		for _, e := range append(append([]*privet.ConsentEvent{}, due...), kept...) {
			if err := tx.AppendConsent(ctx, e); err != nil {
				return err
			}
		}
		link := &privet.ConsentEvent{ID: privet.NewID(privet.PrefixConsent), TenantID: tn.ID, SubjectID: sub.ID, Visitor: linked,
			State: privet.StateLinked, Source: privet.SourceAPI, PolicyVersion: "v1", Time: old}
		return tx.LinkVisitor(ctx, link)
	})

	view(t, st, func(tx privet.Tx) error {
		if n, err := tx.CountVisitorConsentBefore(ctx, tn.ID, cut); err != nil || n != int64(len(due)) {
			t.Errorf("CountVisitorConsentBefore = %d, %v; want %d", n, err, len(due))
		}
		_, err := tx.DeleteVisitorConsentBefore(ctx, tn.ID, cut, 10)
		wantCode(t, err, privet.EINTERNAL)
		return nil
	})
	var batches []int
	for {
		var n int
		update(t, st, func(tx privet.Tx) (err error) {
			n, err = tx.DeleteVisitorConsentBefore(ctx, tn.ID, cut, 3)
			return err
		})
		batches = append(batches, n)
		if n < 3 || len(batches) > 5 {
			break
		}
	}
	if !slices.Equal(batches, []int{3, 1}) {
		t.Errorf("batches of 3 deleted %v, want [3 1]", batches)
	}
	view(t, st, func(tx privet.Tx) error {
		for _, e := range due {
			_, err := tx.ConsentEvent(ctx, tn.ID, e.ID)
			wantCode(t, err, privet.ENOTFOUND)
		}
		for _, e := range kept {
			if _, err := tx.ConsentEvent(ctx, e.TenantID, e.ID); err != nil {
				t.Errorf("event %s (%s, subject %q) was deleted: %v", e.ID, e.Time, e.SubjectID, err)
			}
		}
		if n, err := tx.CountVisitorConsentBefore(ctx, tn.ID, cut); err != nil || n != 0 {
			t.Errorf("CountVisitorConsentBefore after = %d, %v; want 0", n, err)
		}
		return nil
	})
	if got := consentEvents(t, st, tn.ID, privet.ConsentQuery{SubjectID: sub.ID}); len(got) != 6 {
		t.Errorf("the subject's history has %d events, want 6 (its own, the link, the linked visitor's four)", len(got))
	}
}
