package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/privet-dev/privet"
)

func testAuthorityDisclosures(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	sub := newSubject(tn.ID)
	createSubject(t, st, sub)
	t0 := now()
	first := &privet.AuthorityDisclosure{
		ID: privet.NewID(privet.PrefixDisclosure), TenantID: tn.ID, SubjectID: sub.ID, Recipient: "authorities",
		LegalBasis: "subpoena", Reference: "CASE-1", Categories: []string{"user.name", "user.contact.email"},
		DisclosedAt: t0, Notice: privet.NoticePending,
	}
	second := &privet.AuthorityDisclosure{
		ID: privet.NewID(privet.PrefixDisclosure), TenantID: tn.ID, SubjectID: sub.ID, Recipient: "authorities",
		LegalBasis: "court_order", Categories: []string{"user.name"}, DisclosedAt: t0.Add(time.Hour),
		Gag: true, Notice: privet.NoticeWithheld,
	}
	update(t, st, func(tx privet.Tx) error {
		if err := tx.CreateAuthorityDisclosure(ctx, second); err != nil {
			return err
		}
		return tx.CreateAuthorityDisclosure(ctx, first)
	})
	view(t, st, func(tx privet.Tx) error {
		got, err := tx.AuthorityDisclosures(ctx, tn.ID, sub.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, []*privet.AuthorityDisclosure{first, second}) {
			t.Errorf("list by time:\n got %+v\nwant %+v", got, []*privet.AuthorityDisclosure{first, second})
		}
		if got, err := tx.AuthorityDisclosures(ctx, other.ID, sub.ID); err != nil || len(got) != 0 {
			t.Errorf("another tenant lists %d: %v", len(got), err)
		}
		return nil
	})
	sent := t0.Add(2 * time.Hour)
	second.Gag, second.Notice, second.NoticeSentAt = false, privet.NoticeSent, &sent
	update(t, st, func(tx privet.Tx) error { return tx.UpdateAuthorityNotice(ctx, second) })
	view(t, st, func(tx privet.Tx) error {
		got, err := tx.AuthorityDisclosure(ctx, tn.ID, second.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, second) {
			t.Errorf("after the notice:\n got %+v\nwant %+v", got, second)
		}
		return nil
	})
	wantNotFound(t, st.View(ctx, func(tx privet.Tx) error {
		_, err := tx.AuthorityDisclosure(ctx, other.ID, first.ID)
		return err
	}))
	wantNotFound(t, st.Update(ctx, func(tx privet.Tx) error {
		moved := *first
		moved.TenantID = other.ID
		return tx.UpdateAuthorityNotice(ctx, &moved)
	}))
	wantNotFound(t, st.Update(ctx, func(tx privet.Tx) error {
		d := *first
		d.ID, d.TenantID = privet.NewID(privet.PrefixDisclosure), other.ID // tenant A's subject
		return tx.CreateAuthorityDisclosure(ctx, &d)
	}))
}

func testProcessorEnds(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	t0 := now()
	day := 24 * time.Hour
	late := &privet.ProcessorEnd{ID: privet.NewID(privet.PrefixProcessorEnd), TenantID: tn.ID, Recipient: "entrusted_processors",
		Reference: "CONTRACT-9", EndedAt: t0, DeletionDue: t0.Add(30 * day)}
	soon := &privet.ProcessorEnd{ID: privet.NewID(privet.PrefixProcessorEnd), TenantID: tn.ID, Recipient: "hosting",
		EndedAt: t0, DeletionDue: t0.Add(10 * day)}
	update(t, st, func(tx privet.Tx) error {
		if err := tx.CreateProcessorEnd(ctx, late); err != nil {
			return err
		}
		return tx.CreateProcessorEnd(ctx, soon)
	})
	list := func(tenantID string, outstanding bool) []*privet.ProcessorEnd {
		var out []*privet.ProcessorEnd
		view(t, st, func(tx privet.Tx) (err error) {
			out, err = tx.ProcessorEnds(ctx, tenantID, outstanding)
			return err
		})
		return out
	}
	if got := list(tn.ID, true); !reflect.DeepEqual(got, []*privet.ProcessorEnd{soon, late}) {
		t.Errorf("outstanding by due date:\n got %+v\nwant %+v", got, []*privet.ProcessorEnd{soon, late})
	}
	confirmed := t0.Add(5 * day)
	update(t, st, func(tx privet.Tx) error { return tx.ConfirmProcessorDeletion(ctx, tn.ID, soon.ID, confirmed) })
	if got := list(tn.ID, true); len(got) != 1 || got[0].ID != late.ID {
		t.Errorf("outstanding after confirming one: %+v", got)
	}
	if got := list(tn.ID, false); len(got) != 2 || got[0].ConfirmedAt == nil || !got[0].ConfirmedAt.Equal(confirmed) {
		t.Errorf("all: %+v", got)
	}
	if got := list(other.ID, false); len(got) != 0 {
		t.Errorf("another tenant lists %d", len(got))
	}
	wantCode(t, st.Update(ctx, func(tx privet.Tx) error { return tx.ConfirmProcessorDeletion(ctx, tn.ID, soon.ID, confirmed) }), privet.ECONFLICT)
	wantNotFound(t, st.Update(ctx, func(tx privet.Tx) error { return tx.ConfirmProcessorDeletion(ctx, other.ID, late.ID, confirmed) }))
	wantNotFound(t, st.Update(ctx, func(tx privet.Tx) error {
		e := *late
		e.ID, e.TenantID = privet.NewID(privet.PrefixProcessorEnd), "ten_missing"
		return tx.CreateProcessorEnd(ctx, &e)
	}))
}
