package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/privet-dev/privet"
)

func newComplaint(tenantID, subjectID string, received time.Time, due time.Duration) *privet.Complaint {
	return &privet.Complaint{
		ID: privet.NewID(privet.PrefixComplaint), TenantID: tenantID, SubjectID: subjectID, Channel: "email",
		Reference: "TICKET-1", Jurisdiction: "DE", ReceivedAt: received, DueAt: received.Add(due), Status: privet.ComplaintOpen,
	}
}

func listComplaints(t testing.TB, st privet.Store, tenantID string, f privet.ComplaintFilter) []string {
	t.Helper()
	var ids []string
	view(t, st, func(tx privet.Tx) error {
		cs, err := tx.Complaints(context.Background(), tenantID, f)
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		return err
	})
	return ids
}

func testComplaints(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	sub := newSubject(tn.ID)
	createSubject(t, st, sub)
	t0 := now()
	day := 24 * time.Hour

	// Due in order c (5 days), a and b (both 45 days: the id decides), d (60 days, no subject).
	a := newComplaint(tn.ID, sub.ID, t0, 45*day)
	b := newComplaint(tn.ID, sub.ID, t0, 45*day)
	if b.ID < a.ID {
		a, b = b, a
	}
	c := newComplaint(tn.ID, sub.ID, t0, 5*day)
	d := newComplaint(tn.ID, "", t0, 60*day)
	d.Reference, d.Jurisdiction, d.Channel = "", "", "post"
	update(t, st, func(tx privet.Tx) error {
		for _, x := range []*privet.Complaint{a, b, c, d} {
			if err := tx.CreateComplaint(ctx, x); err != nil {
				return err
			}
		}
		return nil
	})

	var got *privet.Complaint
	view(t, st, func(tx privet.Tx) (err error) {
		got, err = tx.Complaint(ctx, tn.ID, d.ID)
		return err
	})
	if !reflect.DeepEqual(got, d) {
		t.Errorf("read back\n got %+v\nwant %+v", got, d)
	}

	if ids := listComplaints(t, st, tn.ID, privet.ComplaintFilter{}); !reflect.DeepEqual(ids, []string{c.ID, a.ID, b.ID, d.ID}) {
		t.Errorf("by due date: %v", ids)
	}
	if ids := listComplaints(t, st, tn.ID, privet.ComplaintFilter{After: a.ID, Limit: 1}); !reflect.DeepEqual(ids, []string{b.ID}) {
		t.Errorf("page after a: %v", ids)
	}
	if ids := listComplaints(t, st, tn.ID, privet.ComplaintFilter{Status: privet.ComplaintOpen, DueBefore: t0.Add(10 * day)}); !reflect.DeepEqual(ids, []string{c.ID}) {
		t.Errorf("due before 10 days: %v", ids)
	}
	if ids := listComplaints(t, st, other.ID, privet.ComplaintFilter{}); len(ids) != 0 {
		t.Errorf("another tenant lists %v", ids)
	}

	// Answer c, escalate a; then count at 50 days: a (escalated) and b are overdue.
	answered, escalated := t0.Add(day), t0.Add(46*day)
	c.Status, c.AnsweredAt = privet.ComplaintAnswered, &answered
	a.Status, a.EscalatedAt = privet.ComplaintEscalated, &escalated
	update(t, st, func(tx privet.Tx) error {
		if err := tx.UpdateComplaint(ctx, c); err != nil {
			return err
		}
		return tx.UpdateComplaint(ctx, a)
	})
	view(t, st, func(tx privet.Tx) error {
		got, err := tx.Complaint(ctx, tn.ID, a.ID)
		if err != nil {
			return err
		}
		if got.Status != privet.ComplaintEscalated || got.EscalatedAt == nil || !got.EscalatedAt.Equal(escalated) || got.AnsweredAt != nil {
			t.Errorf("escalated: %+v", got)
		}
		counts, err := tx.CountComplaints(ctx, tn.ID, t0.Add(50*day))
		if err != nil {
			return err
		}
		if want := (privet.ComplaintCounts{Open: 2, Escalated: 1, Answered: 1, Overdue: 2}); counts != want {
			t.Errorf("counts %+v, want %+v", counts, want)
		}
		// Due exactly now counts as overdue.
		if counts, err = tx.CountComplaints(ctx, tn.ID, t0.Add(60*day)); err != nil || counts.Overdue != 3 {
			t.Errorf("at d's due date: %+v %v", counts, err)
		}
		if counts, err = tx.CountComplaints(ctx, other.ID, t0.Add(50*day)); err != nil || counts != (privet.ComplaintCounts{}) {
			t.Errorf("another tenant counts %+v %v", counts, err)
		}
		return nil
	})

	// Errors: another tenant's complaint is not found, for reads and writes.
	err := st.View(ctx, func(tx privet.Tx) error {
		_, err := tx.Complaint(ctx, other.ID, a.ID)
		return err
	})
	wantNotFound(t, err)
	err = st.View(ctx, func(tx privet.Tx) error {
		_, err := tx.Complaints(ctx, other.ID, privet.ComplaintFilter{After: a.ID})
		return err
	})
	wantNotFound(t, err)
	err = st.Update(ctx, func(tx privet.Tx) error {
		moved := *a
		moved.TenantID = other.ID
		return tx.UpdateComplaint(ctx, &moved)
	})
	wantNotFound(t, err)
	err = st.Update(ctx, func(tx privet.Tx) error {
		return tx.CreateComplaint(ctx, newComplaint(other.ID, sub.ID, t0, day)) // tenant A's subject
	})
	wantNotFound(t, err)
	err = st.Update(ctx, func(tx privet.Tx) error {
		return tx.CreateComplaint(ctx, newComplaint("ten_missing", "", t0, day))
	})
	wantNotFound(t, err)
	err = st.Update(ctx, func(tx privet.Tx) error {
		dup := *b
		return tx.CreateComplaint(ctx, &dup)
	})
	wantCode(t, err, privet.ECONFLICT)
}
