package storetest

import (
	"context"
	"testing"

	"github.com/privet-dev/privet"
)

// testLiveConsent: a choice of a known subject is recorded only while the
// subject is live, and takes the subject's jurisdiction when it names none.
func testLiveConsent(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	sub := newSubject(tn.ID)
	sub.Jurisdiction = "FR"
	createSubject(t, st, sub)

	// No jurisdiction given: the subject's. One given: kept.
	placeless := consentEvent(tn.ID, sub.ID, nil, "marketing", privet.StateGiven)
	placeless.Jurisdiction = ""
	placed := consentEvent(tn.ID, sub.ID, nil, "analytics", privet.StateRefused)
	update(t, st, func(tx privet.Tx) error {
		if err := tx.AppendLiveConsent(ctx, placeless); err != nil {
			return err
		}
		return tx.AppendLiveConsent(ctx, placed)
	})
	if placeless.Seq <= 0 || placed.Seq <= placeless.Seq {
		t.Fatalf("seqs %d, %d do not increase", placeless.Seq, placed.Seq)
	}
	if placeless.Jurisdiction != "FR" || placed.Jurisdiction != "DE" {
		t.Fatalf("jurisdictions = %q, %q, want FR (the subject's) and DE (given)", placeless.Jurisdiction, placed.Jurisdiction)
	}
	got := consentEvents(t, st, tn.ID, privet.ConsentQuery{SubjectID: sub.ID})
	if len(got) != 2 || got[0].ID != placeless.ID || got[0].Jurisdiction != "FR" || got[0].Seq != placeless.Seq ||
		got[1].Jurisdiction != "DE" || got[1].State != privet.StateRefused || !got[1].Guardian ||
		got[1].UserAgent != "Mozilla/5.0" || got[1].IP != "203.0.113.0" || got[1].NoticeHash != "abc" ||
		got[1].PolicyVersion != "v1" || !got[1].Time.Equal(placed.Time) {
		t.Fatalf("stored events = %+v", got)
	}

	// A restricted subject still records choices (withdrawing, above all).
	sub.Status = privet.StatusRestricted
	update(t, st, func(tx privet.Tx) error { return tx.UpdateSubject(ctx, sub) })
	update(t, st, func(tx privet.Tx) error {
		return tx.AppendLiveConsent(ctx, consentEvent(tn.ID, sub.ID, nil, "marketing", privet.StateWithdrawn))
	})

	// Refused: an erased subject, a missing one, another tenant's. Nothing
	// is stored, and the transaction stays usable for the other writes.
	update(t, st, func(tx privet.Tx) error { return tx.EraseSubject(ctx, tn.ID, sub.ID, now()) })
	kept := consentEvent(tn.ID, "", randomBytes(32), "ads", privet.StateGiven)
	var refused error // checked outside fn: a failing check must not stop the committer
	update(t, st, func(tx privet.Tx) error {
		refused = tx.AppendLiveConsent(ctx, consentEvent(tn.ID, sub.ID, nil, "marketing", privet.StateGiven))
		return tx.AppendConsent(ctx, kept)
	})
	wantNotFound(t, refused)
	err := st.Update(ctx, func(tx privet.Tx) error {
		return tx.AppendLiveConsent(ctx, consentEvent(tn.ID, sub.ID, nil, "marketing", privet.StateGiven))
	})
	wantNotFound(t, err)
	err = st.Update(ctx, func(tx privet.Tx) error {
		return tx.AppendLiveConsent(ctx, consentEvent(tn.ID, "sub_missing", nil, "marketing", privet.StateGiven))
	})
	wantNotFound(t, err)
	alive := newSubject(tn.ID)
	createSubject(t, st, alive)
	err = st.Update(ctx, func(tx privet.Tx) error {
		return tx.AppendLiveConsent(ctx, consentEvent(other.ID, alive.ID, nil, "marketing", privet.StateGiven))
	})
	wantNotFound(t, err)
	if got := consentEvents(t, st, tn.ID, privet.ConsentQuery{SubjectID: sub.ID}); len(got) != 3 {
		t.Fatalf("after the erasure the subject has %d events, want the 3 before it", len(got))
	}
	if got := consentEvents(t, st, other.ID, privet.ConsentQuery{SubjectID: alive.ID}); len(got) != 0 {
		t.Fatalf("another tenant's write stored %d events", len(got))
	}
	if got := consentEvents(t, st, tn.ID, privet.ConsentQuery{Visitor: kept.Visitor}); len(got) != 1 || got[0].ID != kept.ID {
		t.Fatalf("the write after the refusal stored %d events, want 1", len(got))
	}

	// Not for links, nor without a subject.
	err = st.Update(ctx, func(tx privet.Tx) error {
		return tx.AppendLiveConsent(ctx, consentEvent(tn.ID, alive.ID, randomBytes(32), "", privet.StateLinked))
	})
	wantCode(t, err, privet.EINVALID)
	err = st.Update(ctx, func(tx privet.Tx) error {
		return tx.AppendLiveConsent(ctx, consentEvent(tn.ID, "", randomBytes(32), "ads", privet.StateGiven))
	})
	wantCode(t, err, privet.EINVALID)
}
