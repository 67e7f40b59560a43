package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/privet-dev/privet"
)

func testHolds(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	s := newSubject(tn.ID)
	createSubject(t, st, s)
	at := now()
	until := at.Add(48 * time.Hour)
	onSubject := &privet.Hold{ID: privet.NewID(privet.PrefixHold), TenantID: tn.ID, SubjectID: s.ID,
		Reason: "case 2025-17", CreatedBy: "op", CreatedAt: at}
	onCategory := &privet.Hold{ID: privet.NewID(privet.PrefixHold), TenantID: tn.ID, Category: "user.financial",
		Reason: "tax audit", CreatedBy: "op", CreatedAt: at, Until: &until}
	update(t, st, func(tx privet.Tx) error {
		if err := tx.CreateHold(ctx, onSubject); err != nil {
			return err
		}
		return tx.CreateHold(ctx, onCategory)
	})
	wantCode(t, st.Update(ctx, func(tx privet.Tx) error { return tx.CreateHold(ctx, onSubject) }), privet.ECONFLICT)

	var got *privet.Hold
	view(t, st, func(tx privet.Tx) (err error) { got, err = tx.Hold(ctx, tn.ID, onCategory.ID); return err })
	if !reflect.DeepEqual(got, onCategory) {
		t.Fatalf("Hold = %+v, want %+v", got, onCategory)
	}
	list := func(f privet.HoldFilter) []*privet.Hold {
		var hs []*privet.Hold
		view(t, st, func(tx privet.Tx) (err error) { hs, err = tx.Holds(ctx, tn.ID, f); return err })
		return hs
	}
	if hs := list(privet.HoldFilter{ActiveAt: at}); len(hs) != 2 {
		t.Fatalf("active holds = %d, want 2", len(hs))
	}
	if hs := list(privet.HoldFilter{ActiveAt: until}); len(hs) != 1 || hs[0].ID != onSubject.ID {
		t.Fatalf("holds active at until = %+v, want only the subject hold", hs)
	}
	if hs := list(privet.HoldFilter{SubjectID: s.ID}); len(hs) != 1 || hs[0].ID != onSubject.ID {
		t.Fatalf("holds of the subject = %+v", hs)
	}

	// Release: once, keeping the first time; another tenant's hold is not found.
	update(t, st, func(tx privet.Tx) error { return tx.ReleaseHold(ctx, tn.ID, onSubject.ID, at.Add(time.Hour)) })
	update(t, st, func(tx privet.Tx) error { return tx.ReleaseHold(ctx, tn.ID, onSubject.ID, at.Add(2*time.Hour)) })
	view(t, st, func(tx privet.Tx) (err error) { got, err = tx.Hold(ctx, tn.ID, onSubject.ID); return err })
	if got.ReleasedAt == nil || !got.ReleasedAt.Equal(at.Add(time.Hour)) {
		t.Fatalf("ReleasedAt = %v, want the first release", got.ReleasedAt)
	}
	if hs := list(privet.HoldFilter{ActiveAt: at}); len(hs) != 1 || hs[0].ID != onCategory.ID {
		t.Fatalf("active holds after release = %+v", hs)
	}
	wantNotFound(t, st.Update(ctx, func(tx privet.Tx) error { return tx.ReleaseHold(ctx, other.ID, onCategory.ID, at) }))
	wantNotFound(t, st.View(ctx, func(tx privet.Tx) error { _, err := tx.Hold(ctx, other.ID, onCategory.ID); return err }))
}

func testRetentionSchedule(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	base := now()
	var subs []*privet.Subject
	var items []privet.RetentionItem
	for i := range 5 {
		s := newSubject(tn.ID)
		createSubject(t, st, s)
		subs = append(subs, s)
		items = append(items, privet.RetentionItem{TenantID: tn.ID, SubjectID: s.ID, RuleKey: "account", Action: "delete",
			DueAt: base.Add(time.Duration(i) * time.Hour)})
	}
	os := newSubject(other.ID)
	createSubject(t, st, os)
	items = append(items, privet.RetentionItem{TenantID: other.ID, SubjectID: os.ID, RuleKey: "account", Action: "delete", DueAt: base})
	update(t, st, func(tx privet.Tx) error { return tx.ScheduleRetention(ctx, items) })

	// Rescheduling moves an item; it does not add one.
	moved := items[0]
	moved.DueAt, moved.Action = base.Add(10*time.Hour), "anonymize"
	update(t, st, func(tx privet.Tx) error { return tx.ScheduleRetention(ctx, []privet.RetentionItem{moved}) })

	// An unknown subject cannot be scheduled, and nothing of the batch stays.
	ghost := privet.RetentionItem{TenantID: tn.ID, SubjectID: "sub_nope", RuleKey: "account", Action: "delete", DueAt: base}
	err := st.Update(ctx, func(tx privet.Tx) error {
		return tx.ScheduleRetention(ctx, []privet.RetentionItem{{TenantID: tn.ID, SubjectID: subs[1].ID, RuleKey: "x", Action: "delete", DueAt: base}, ghost})
	})
	wantNotFound(t, err)

	due := func(at time.Time, after privet.RetentionCursor, limit int) []privet.RetentionItem {
		var its []privet.RetentionItem
		view(t, st, func(tx privet.Tx) (err error) { its, err = tx.DueRetention(ctx, at, after, limit); return err })
		return its
	}
	// Due at base+2h: the other tenant's (base) and subjects 1 and 2, in due order, paged.
	first := due(base.Add(2*time.Hour), privet.RetentionCursor{}, 2)
	if len(first) != 2 {
		t.Fatalf("first page = %+v", first)
	}
	rest := due(base.Add(2*time.Hour), first[1].Cursor(), 10)
	all := append(first, rest...)
	if len(all) != 3 {
		t.Fatalf("due items = %+v, want 3", all)
	}
	for i := 1; i < len(all); i++ {
		if all[i].DueAt.Before(all[i-1].DueAt) {
			t.Fatalf("not in due order: %+v", all)
		}
	}
	if !all[0].DueAt.Equal(base) || all[0].TenantID != other.ID {
		t.Errorf("first due = %+v, want the other tenant's at base", all[0])
	}
	if all[1].SubjectID != subs[1].ID || all[2].SubjectID != subs[2].ID {
		t.Errorf("due subjects = %s, %s", all[1].SubjectID, all[2].SubjectID)
	}

	// The plan of one tenant sees only its own items, and by subject.
	var plan []privet.RetentionItem
	view(t, st, func(tx privet.Tx) (err error) {
		plan, err = tx.ScheduledRetention(ctx, tn.ID, privet.RetentionFilter{})
		return err
	})
	if len(plan) != 5 || plan[4].SubjectID != subs[0].ID || plan[4].Action != "anonymize" {
		t.Fatalf("plan = %+v, want 5 items with the moved one last", plan)
	}
	view(t, st, func(tx privet.Tx) (err error) {
		plan, err = tx.ScheduledRetention(ctx, tn.ID, privet.RetentionFilter{SubjectID: subs[3].ID})
		return err
	})
	if len(plan) != 1 || plan[0].SubjectID != subs[3].ID {
		t.Fatalf("plan of one subject = %+v", plan)
	}
	view(t, st, func(tx privet.Tx) (err error) {
		plan, err = tx.ScheduledRetention(ctx, tn.ID, privet.RetentionFilter{Before: base.Add(time.Hour), After: privet.RetentionCursor{}, Limit: 10})
		return err
	})
	if len(plan) != 1 || plan[0].SubjectID != subs[1].ID {
		t.Fatalf("plan before base+1h = %+v", plan)
	}

	// Done and unscheduled items are gone; missing ones are ignored.
	update(t, st, func(tx privet.Tx) error { return tx.DoneRetention(ctx, append(all, ghost)) })
	update(t, st, func(tx privet.Tx) error { return tx.UnscheduleRetention(ctx, tn.ID, subs[3].ID, []string{"account"}) })
	update(t, st, func(tx privet.Tx) error { return tx.UnscheduleRetention(ctx, tn.ID, subs[4].ID, nil) })
	if left := due(base.Add(100*time.Hour), privet.RetentionCursor{}, 100); len(left) != 1 || left[0].SubjectID != subs[0].ID {
		t.Fatalf("left after done = %+v, want only the moved item", left)
	}
}

func testRetentionBatches(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	a, b, kept := newSubject(tn.ID), newSubject(tn.ID), newSubject(tn.ID)
	for _, s := range []*privet.Subject{a, b, kept} {
		createSubject(t, st, s)
	}
	var got []*privet.Subject
	view(t, st, func(tx privet.Tx) (err error) {
		got, err = tx.SubjectsByID(ctx, tn.ID, []string{b.ID, a.ID, "sub_missing"})
		return err
	})
	if len(got) != 2 {
		t.Fatalf("SubjectsByID = %d subjects, want 2", len(got))
	}
	for _, g := range got {
		if want := readSubject(t, st, tn.ID, g.ID); !reflect.DeepEqual(g, want) {
			t.Errorf("SubjectsByID gave %+v, want %+v", g, want)
		}
	}

	at := now()
	events := []*privet.AuditEvent{
		privet.Actor{Type: privet.ActorSystem, ID: "retention"}.Event(tn.ID, "subject.erase", at),
		privet.Actor{Type: privet.ActorSystem, ID: "retention"}.Event(tn.ID, "subject.erase", at),
	}
	events[0].SubjectID, events[1].SubjectID = a.ID, b.ID
	update(t, st, func(tx privet.Tx) error {
		if err := tx.AppendAudit(ctx, privet.Actor{Type: privet.ActorAdmin, ID: "op"}.Event(tn.ID, "hold.create", at)); err != nil {
			return err
		}
		if err := tx.EraseSubjects(ctx, tn.ID, []string{a.ID, b.ID}, at); err != nil {
			return err
		}
		return tx.AppendAudits(ctx, events)
	})
	for _, id := range []string{a.ID, b.ID} {
		s := readSubject(t, st, tn.ID, id)
		if s.Status != privet.StatusErased || len(s.Identities)+len(s.Fields) != 0 || s.SealedBirthDate != nil || s.ErasedAt == nil {
			t.Errorf("subject %s not erased: %+v", id, s)
		}
	}
	if s := readSubject(t, st, tn.ID, kept.ID); s.Status != privet.StatusActive || len(s.Fields) != 1 {
		t.Errorf("a subject outside the batch changed: %+v", s)
	}
	evs := allEvents(t, st, tn.ID)
	verifyChain(t, evs)
	if len(evs) != 3 || evs[2].Seq != 3 || evs[2].SubjectID != b.ID {
		t.Fatalf("chain after batch = %+v", evs)
	}

	// Counts add up per rule and combination, and stay in their tenant.
	counts := []privet.RetentionCount{
		{TenantID: tn.ID, RuleKey: "usage", Combination: `{"user.location.country":"DE"}`, Count: 5},
		{TenantID: tn.ID, RuleKey: "usage", Combination: `{"user.location.country":"FR"}`, Count: 6},
	}
	update(t, st, func(tx privet.Tx) error { return tx.AddRetentionCounts(ctx, counts) })
	update(t, st, func(tx privet.Tx) error { return tx.AddRetentionCounts(ctx, counts[:1]) })
	var cs []privet.RetentionCount
	view(t, st, func(tx privet.Tx) (err error) { cs, err = tx.RetentionCounts(ctx, tn.ID); return err })
	if len(cs) != 2 || cs[0].Count != 10 || cs[1].Count != 6 {
		t.Fatalf("counts = %+v, want DE 10 and FR 6", cs)
	}
	other := newTenant(t, st)
	view(t, st, func(tx privet.Tx) (err error) { cs, err = tx.RetentionCounts(ctx, other.ID); return err })
	if len(cs) != 0 {
		t.Fatalf("another tenant sees counts: %+v", cs)
	}
}

// batchKeys is what a retention sweep and bulk loads use of a key store.
type batchKeys interface {
	PutDataKeys(ctx context.Context, keys []*privet.DataKey) error
	DeleteDataKeys(ctx context.Context, tenantID string, subjectIDs []string) error
}

func testDataKeyBatches(t *testing.T, open OpenFunc) {
	_, ks := open(t)
	bk, ok := ks.(batchKeys)
	if !ok {
		t.Skip("the key store has no batch methods")
	}
	ctx := context.Background()
	a, b, c := newDataKey("ten_a", "sub_1", 1), newDataKey("ten_a", "sub_2", 1), newDataKey("ten_b", "sub_1", 1)
	if err := bk.PutDataKeys(ctx, []*privet.DataKey{a, b, c}); err != nil {
		t.Fatalf("PutDataKeys: %v", err)
	}
	// A conflict inserts none of the batch.
	wantCode(t, bk.PutDataKeys(ctx, []*privet.DataKey{newDataKey("ten_a", "sub_3", 1), newDataKey("ten_a", "sub_1", 1)}), privet.ECONFLICT)
	_, err := ks.DataKey(ctx, "ten_a", "sub_3")
	wantNotFound(t, err)

	if err := bk.DeleteDataKeys(ctx, "ten_a", []string{"sub_1", "sub_2", "sub_missing"}); err != nil {
		t.Fatalf("DeleteDataKeys: %v", err)
	}
	for _, id := range []string{"sub_1", "sub_2"} {
		_, err := ks.DataKey(ctx, "ten_a", id)
		wantNotFound(t, err)
	}
	// Another tenant's key of the same subject id stays.
	if got, err := ks.DataKey(ctx, "ten_b", "sub_1"); err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("other tenant's key = %+v, %v", got, err)
	}
}
