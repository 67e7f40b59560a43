package storetest

import (
	"context"
	"testing"

	"github.com/privet-dev/privet"
)

func consentEvent(tenantID, subjectID string, visitor []byte, purpose string, state privet.ConsentState) *privet.ConsentEvent {
	return &privet.ConsentEvent{
		ID: privet.NewID(privet.PrefixConsent), TenantID: tenantID, SubjectID: subjectID, Visitor: visitor,
		Purpose: purpose, State: state, Source: privet.SourceAPI, PolicyVersion: "v1", Jurisdiction: "DE",
		NoticeHash: "abc", UserAgent: "Mozilla/5.0", IP: "203.0.113.0", Guardian: true, Time: now(),
	}
}

func consentEvents(t testing.TB, st privet.Store, tenantID string, q privet.ConsentQuery) []*privet.ConsentEvent {
	t.Helper()
	var evs []*privet.ConsentEvent
	view(t, st, func(tx privet.Tx) (err error) {
		evs, err = tx.ConsentEvents(context.Background(), tenantID, q)
		return err
	})
	return evs
}

func testConsentLedger(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	sub := newSubject(tn.ID)
	createSubject(t, st, sub)
	visitor := randomBytes(32)

	first := consentEvent(tn.ID, sub.ID, nil, "marketing", privet.StateGiven)
	second := consentEvent(tn.ID, sub.ID, nil, "marketing", privet.StateWithdrawn)
	second.Time = first.Time // the same instant: Seq orders them
	anon := consentEvent(tn.ID, "", visitor, "analytics", privet.StateRefused)
	update(t, st, func(tx privet.Tx) error {
		for _, e := range []*privet.ConsentEvent{first, second, anon} {
			if err := tx.AppendConsent(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if !(first.Seq > 0 && second.Seq > first.Seq && anon.Seq > second.Seq) {
		t.Fatalf("seqs %d, %d, %d do not increase", first.Seq, second.Seq, anon.Seq)
	}

	got := consentEvents(t, st, tn.ID, privet.ConsentQuery{SubjectID: sub.ID})
	if len(got) != 2 || got[0].ID != first.ID || got[1].ID != second.ID {
		t.Fatalf("subject events = %d, want the two in order", len(got))
	}
	g := got[0]
	if g.State != privet.StateGiven || g.Source != privet.SourceAPI || g.PolicyVersion != "v1" || g.Jurisdiction != "DE" ||
		g.NoticeHash != "abc" || g.UserAgent != "Mozilla/5.0" || g.IP != "203.0.113.0" || !g.Guardian ||
		!g.Time.Equal(first.Time) || g.TenantID != tn.ID || g.Visitor != nil {
		t.Fatalf("round trip changed the event: %+v", g)
	}
	// One event by id, and only in its own tenant.
	view(t, st, func(tx privet.Tx) error {
		if e, err := tx.ConsentEvent(ctx, tn.ID, second.ID); err != nil || e.Seq != second.Seq || e.State != privet.StateWithdrawn {
			t.Errorf("ConsentEvent = %+v, %v", e, err)
		}
		_, err := tx.ConsentEvent(ctx, other.ID, second.ID)
		wantCode(t, err, privet.ENOTFOUND)
		_, err = tx.ConsentEvent(ctx, tn.ID, "con_missing")
		wantCode(t, err, privet.ENOTFOUND)
		return nil
	})
	if v := consentEvents(t, st, tn.ID, privet.ConsentQuery{Visitor: visitor}); len(v) != 1 || v[0].ID != anon.ID || v[0].SubjectID != "" {
		t.Fatalf("visitor events = %v", v)
	}

	// Linking joins the visitor's history, earlier and later, to the subject's.
	link := &privet.ConsentEvent{ID: privet.NewID(privet.PrefixConsent), TenantID: tn.ID, SubjectID: sub.ID, Visitor: visitor,
		State: privet.StateLinked, Source: privet.SourceAPI, PolicyVersion: "v1", Time: now()}
	update(t, st, func(tx privet.Tx) error { return tx.LinkVisitor(ctx, link) })
	later := consentEvent(tn.ID, "", visitor, "ads", privet.StateGiven)
	update(t, st, func(tx privet.Tx) error { return tx.AppendConsent(ctx, later) })
	if got := consentEvents(t, st, tn.ID, privet.ConsentQuery{SubjectID: sub.ID}); len(got) != 5 {
		t.Fatalf("after link the subject has %d events, want 5", len(got))
	}
	if got := consentEvents(t, st, tn.ID, privet.ConsentQuery{SubjectID: sub.ID, AfterSeq: second.Seq, Limit: 1}); len(got) != 1 || got[0].ID != anon.ID {
		t.Fatalf("paging returned %d events", len(got))
	}

	// A visitor becomes one subject; a second link conflicts and leaves the
	// transaction usable.
	sub2 := newSubject(tn.ID)
	createSubject(t, st, sub2)
	update(t, st, func(tx privet.Tx) error {
		again := *link
		again.ID, again.SubjectID = privet.NewID(privet.PrefixConsent), sub2.ID
		wantCode(t, tx.LinkVisitor(ctx, &again), privet.ECONFLICT)
		return tx.AppendConsent(ctx, consentEvent(tn.ID, sub2.ID, nil, "marketing", privet.StateGiven))
	})

	// Errors.
	err := st.Update(ctx, func(tx privet.Tx) error {
		return tx.AppendConsent(ctx, consentEvent(tn.ID, "sub_missing", nil, "marketing", privet.StateGiven))
	})
	wantNotFound(t, err)
	err = st.Update(ctx, func(tx privet.Tx) error {
		e := consentEvent(tn.ID, sub.ID, visitor, "", privet.StateLinked)
		return tx.AppendConsent(ctx, e)
	})
	wantCode(t, err, privet.EINVALID)
	err = st.View(ctx, func(tx privet.Tx) error {
		_, err := tx.ConsentEvents(ctx, tn.ID, privet.ConsentQuery{})
		return err
	})
	wantCode(t, err, privet.EINVALID)

	// Tenant isolation.
	if got := consentEvents(t, st, other.ID, privet.ConsentQuery{SubjectID: sub.ID}); len(got) != 0 {
		t.Fatalf("other tenant sees %d events", len(got))
	}

	// ConsentEventsAfter walks every tenant's events in Seq order.
	var all []*privet.ConsentEvent
	view(t, st, func(tx privet.Tx) (err error) {
		all, err = tx.ConsentEventsAfter(ctx, 0, 0)
		return err
	})
	if len(all) != 6 {
		t.Fatalf("ConsentEventsAfter(0) = %d events, want 6", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq <= all[i-1].Seq {
			t.Fatal("ConsentEventsAfter is not in Seq order")
		}
	}
	view(t, st, func(tx privet.Tx) error {
		page, err := tx.ConsentEventsAfter(ctx, all[2].Seq, 2)
		if err == nil && (len(page) != 2 || page[0].Seq != all[3].Seq) {
			t.Errorf("ConsentEventsAfter page = %d events", len(page))
		}
		return err
	})
	// ConsentChoicesAfter reads the same events with only what memory needs.
	view(t, st, func(tx privet.Tx) error {
		var got []privet.ConsentEvent
		n, err := tx.ConsentChoicesAfter(ctx, 0, 0, func(e *privet.ConsentEvent) { got = append(got, *e) })
		if err != nil {
			return err
		}
		if n != len(all) || len(got) != len(all) {
			t.Fatalf("ConsentChoicesAfter(0) = %d events (said %d), want %d", len(got), n, len(all))
		}
		for i, g := range got {
			w := all[i]
			if g.Seq != w.Seq || g.TenantID != w.TenantID || g.SubjectID != w.SubjectID || string(g.Visitor) != string(w.Visitor) ||
				g.Purpose != w.Purpose || g.State != w.State || g.Source != w.Source || g.PolicyVersion != w.PolicyVersion ||
				g.Jurisdiction != w.Jurisdiction || g.Guardian != w.Guardian || !g.Time.Equal(w.Time) {
				t.Errorf("ConsentChoicesAfter event %d = %+v, want the fields of %+v", i, g, w)
			}
			if g.ID != "" || g.UserAgent != "" || g.IP != "" || g.NoticeHash != "" {
				t.Errorf("ConsentChoicesAfter event %d carries columns memory does not need", i)
			}
		}
		var page []int64
		n, err = tx.ConsentChoicesAfter(ctx, all[2].Seq, 2, func(e *privet.ConsentEvent) { page = append(page, e.Seq) })
		if err == nil && (n != 2 || len(page) != 2 || page[0] != all[3].Seq || page[1] != all[4].Seq) {
			t.Errorf("ConsentChoicesAfter page = %v", page)
		}
		return err
	})
	// ConsentEventAt finds one event by its seq, as a notification names it.
	view(t, st, func(tx privet.Tx) error {
		e, err := tx.ConsentEventAt(ctx, all[3].Seq)
		if err != nil || e.ID != all[3].ID {
			t.Errorf("ConsentEventAt(%d) = %+v, %v; want event %s", all[3].Seq, e, err, all[3].ID)
		}
		_, err = tx.ConsentEventAt(ctx, all[5].Seq+1000)
		wantCode(t, err, privet.ENOTFOUND)
		return nil
	})
}
