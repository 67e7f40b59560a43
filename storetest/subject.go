package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privet-dev/privet"
)

func readSubject(t testing.TB, st privet.Store, tenantID, id string) *privet.Subject {
	t.Helper()
	var s *privet.Subject
	view(t, st, func(tx privet.Tx) (err error) {
		s, err = tx.Subject(context.Background(), tenantID, id)
		return err
	})
	return s
}

func testSubjectCRUD(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	s := newSubject(tn.ID)
	s.Identities = append(s.Identities, privet.Identity{Type: privet.IdentityPhone, Index: randomBytes(32), Sealed: randomBytes(30)})
	slices.SortFunc(s.Identities, func(a, b privet.Identity) int { return strings.Compare(string(a.Type), string(b.Type)) })
	createSubject(t, st, s)

	if got := readSubject(t, st, tn.ID, s.ID); !reflect.DeepEqual(got, s) {
		t.Fatalf("Subject after create =\n%+v\nwant\n%+v", got, s)
	}
	attrs := *s
	attrs.Identities, attrs.Fields = nil, nil
	view(t, st, func(tx privet.Tx) error {
		got, err := tx.SubjectAttrs(ctx, tn.ID, s.ID)
		if err != nil || !reflect.DeepEqual(got, &attrs) {
			t.Errorf("SubjectAttrs = %+v, %v; want\n%+v", got, err, &attrs)
		}
		return nil
	})

	// Scalar update, times to the microsecond.
	closed := s.CreatedAt.Add(36*time.Hour + 123*time.Microsecond)
	s.Status, s.Jurisdiction, s.AgeBand, s.SealedBirthDate = privet.StatusClosed, "US-CA", "16_17", nil
	s.UpdatedAt, s.LastActivityAt, s.ClosedAt = closed, closed, &closed
	update(t, st, func(tx privet.Tx) error { return tx.UpdateSubject(ctx, s) })
	if got := readSubject(t, st, tn.ID, s.ID); !reflect.DeepEqual(got, s) {
		t.Fatalf("Subject after update =\n%+v\nwant\n%+v", got, s)
	}

	// Fields: replace one by name, add one, then delete one and a missing name.
	at := now()
	replaced := privet.Field{Name: "email", Category: "user.contact.email", Sealed: randomBytes(41), UpdatedAt: at}
	added := privet.Field{Name: "address", Category: "user.contact.address", Sealed: randomBytes(50), UpdatedAt: at}
	update(t, st, func(tx privet.Tx) error { return tx.PutFields(ctx, tn.ID, s.ID, []privet.Field{replaced, added}) })
	if got := readSubject(t, st, tn.ID, s.ID).Fields; !reflect.DeepEqual(got, []privet.Field{added, replaced}) {
		t.Errorf("Fields after put = %+v, want address and replaced email by name", got)
	}
	update(t, st, func(tx privet.Tx) error { return tx.DeleteFields(ctx, tn.ID, s.ID, []string{"email", "missing"}) })
	if got := readSubject(t, st, tn.ID, s.ID).Fields; !reflect.DeepEqual(got, []privet.Field{added}) {
		t.Errorf("Fields after delete = %+v, want only address", got)
	}

	// Identities: add, find, remove, remove again.
	cookie := privet.Identity{Type: privet.IdentityCookieID, Index: randomBytes(32), Sealed: randomBytes(30)}
	update(t, st, func(tx privet.Tx) error { return tx.AddIdentity(ctx, tn.ID, s.ID, cookie) })
	view(t, st, func(tx privet.Tx) error {
		id, err := tx.SubjectIDByIdentity(ctx, tn.ID, privet.IdentityCookieID, cookie.Index)
		if err != nil || id != s.ID {
			t.Errorf("SubjectIDByIdentity = %q, %v; want %q", id, err, s.ID)
		}
		// The same index under another type is another identity.
		_, err = tx.SubjectIDByIdentity(ctx, tn.ID, privet.IdentityEmail, cookie.Index)
		wantNotFound(t, err)
		return nil
	})
	update(t, st, func(tx privet.Tx) error { return tx.RemoveIdentity(ctx, tn.ID, s.ID, cookie.Type, cookie.Index) })
	err := st.Update(ctx, func(tx privet.Tx) error { return tx.RemoveIdentity(ctx, tn.ID, s.ID, cookie.Type, cookie.Index) })
	wantNotFound(t, err)
	if got := readSubject(t, st, tn.ID, s.ID).Identities; !reflect.DeepEqual(got, s.Identities) {
		t.Errorf("Identities after remove = %+v, want %+v", got, s.Identities)
	}

	// A second subject with the same id is a conflict.
	dup := newSubject(tn.ID)
	dup.ID = s.ID
	err = st.Update(ctx, func(tx privet.Tx) error { return tx.CreateSubject(ctx, dup) })
	wantCode(t, err, privet.ECONFLICT)
}

// testSubjectByIdentity checks that a subject read by any of its identities
// is the subject Subject reads, identities and fields in the same order, and
// nothing of its neighbours.
func testSubjectByIdentity(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	finder, ok := st.(privet.SubjectFinder)
	if !ok {
		t.Fatalf("%T is no privet.SubjectFinder", st)
	}
	tn, other := newTenant(t, st), newTenant(t, st)
	at := now()
	closed := at.Add(time.Hour)
	s := newSubject(tn.ID)
	s.ClosedAt = &closed
	// Inserted out of order: reads return identities by type and index,
	// fields by name.
	s.Identities = append([]privet.Identity{
		{Type: privet.IdentityPhone, Index: randomBytes(32), Sealed: randomBytes(30)},
		{Type: privet.IdentityCookieID, Index: randomBytes(32), Sealed: randomBytes(30)},
	}, s.Identities...)
	s.Fields = append([]privet.Field{
		{Name: "zip", Category: "user.contact.address", Sealed: randomBytes(20), UpdatedAt: at},
		{Name: "address", Category: "user.contact.address", Sealed: randomBytes(60)},
	}, s.Fields...)
	bare := newSubject(tn.ID) // no fields, no birth date
	bare.Fields, bare.SealedBirthDate = nil, nil
	neighbour := newSubject(tn.ID)
	for _, x := range []*privet.Subject{neighbour, s, bare} {
		createSubject(t, st, x)
	}
	for _, x := range []*privet.Subject{s, bare, neighbour} {
		want := readSubject(t, st, tn.ID, x.ID)
		for _, id := range x.Identities {
			view(t, st, func(tx privet.Tx) error {
				got, err := tx.SubjectByIdentity(ctx, tn.ID, id.Type, id.Index)
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("SubjectByIdentity(%s) = %+v, %v; want\n%+v", id.Type, got, err, want)
				}
				return nil
			})
			got, err := finder.FindSubject(ctx, tn.ID, id.Type, id.Index)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("FindSubject(%s) = %+v, %v; want\n%+v", id.Type, got, err, want)
			}
		}
	}
	if got := readSubject(t, st, tn.ID, s.ID); len(got.Identities) != 3 || len(got.Fields) != 3 ||
		got.Identities[0].Type != privet.IdentityCookieID || got.Fields[0].Name != "address" {
		t.Errorf("Subject = %+v, want three identities by type and three fields by name", got)
	}
	view(t, st, func(tx privet.Tx) error {
		// The same index under another type is another identity.
		_, err := tx.SubjectByIdentity(ctx, tn.ID, privet.IdentityEmail, s.Identities[0].Index)
		wantNotFound(t, err)
		return nil
	})
	for _, c := range []struct {
		tenant string
		typ    privet.IdentityType
		index  []byte
	}{
		{tn.ID, privet.IdentityEmail, s.Identities[0].Index}, // another type
		{tn.ID, privet.IdentityEmail, randomBytes(32)},       // unknown
		{other.ID, s.Identities[0].Type, s.Identities[0].Index},
	} {
		_, err := finder.FindSubject(ctx, c.tenant, c.typ, c.index)
		wantNotFound(t, err)
	}
	// Erased: its identities are gone, so the lookup finds nothing.
	update(t, st, func(tx privet.Tx) error { return tx.EraseSubject(ctx, tn.ID, s.ID, now()) })
	_, err := finder.FindSubject(ctx, tn.ID, s.Identities[0].Type, s.Identities[0].Index)
	wantNotFound(t, err)
}

func testSubjectNotFound(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	missing := newSubject(tn.ID)
	tests := []struct {
		name string
		fn   func(tx privet.Tx) error
	}{
		{"Subject", func(tx privet.Tx) error { _, err := tx.Subject(ctx, tn.ID, missing.ID); return err }},
		{"SubjectAttrs", func(tx privet.Tx) error { _, err := tx.SubjectAttrs(ctx, tn.ID, missing.ID); return err }},
		{"SubjectIDByIdentity", func(tx privet.Tx) error {
			_, err := tx.SubjectIDByIdentity(ctx, tn.ID, privet.IdentityEmail, randomBytes(32))
			return err
		}},
		{"SubjectByIdentity", func(tx privet.Tx) error {
			_, err := tx.SubjectByIdentity(ctx, tn.ID, privet.IdentityEmail, randomBytes(32))
			return err
		}},
		{"UpdateSubject", func(tx privet.Tx) error { return tx.UpdateSubject(ctx, missing) }},
		{"PutFields", func(tx privet.Tx) error { return tx.PutFields(ctx, tn.ID, missing.ID, missing.Fields) }},
		{"AddIdentity", func(tx privet.Tx) error { return tx.AddIdentity(ctx, tn.ID, missing.ID, missing.Identities[0]) }},
		{"RemoveIdentity", func(tx privet.Tx) error {
			return tx.RemoveIdentity(ctx, tn.ID, missing.ID, privet.IdentityEmail, missing.Identities[0].Index)
		}},
		{"EraseSubject", func(tx privet.Tx) error { return tx.EraseSubject(ctx, tn.ID, missing.ID, now()) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantNotFound(t, st.Update(ctx, tc.fn))
		})
	}
}

func testSubjectList(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	var ids, closedIDs []string
	update(t, st, func(tx privet.Tx) error {
		for i := range 25 {
			s := newSubject(tn.ID)
			if i%5 == 0 {
				s.Status = privet.StatusClosed
				closedIDs = append(closedIDs, s.ID)
			}
			if err := tx.CreateSubject(ctx, s); err != nil {
				return err
			}
			ids = append(ids, s.ID)
		}
		return nil
	})
	slices.Sort(ids)
	slices.Sort(closedIDs)

	page := func(f privet.SubjectFilter) []string {
		var out []string
		view(t, st, func(tx privet.Tx) error {
			list, err := tx.Subjects(ctx, tn.ID, f)
			for _, s := range list {
				if s.Identities != nil || s.Fields != nil {
					t.Errorf("Subjects returned identities or fields")
				}
				out = append(out, s.ID)
			}
			return err
		})
		return out
	}
	var all []string
	for after := ""; ; {
		p := page(privet.SubjectFilter{After: after, Limit: 10})
		if len(p) > 10 {
			t.Fatalf("page of %d, limit 10", len(p))
		}
		all = append(all, p...)
		if len(p) < 10 {
			break
		}
		after = p[len(p)-1]
	}
	if !slices.Equal(all, ids) {
		t.Errorf("paged ids = %v, want %v", all, ids)
	}
	if got := page(privet.SubjectFilter{Status: privet.StatusClosed}); !slices.Equal(got, closedIDs) {
		t.Errorf("closed = %v, want %v", got, closedIDs)
	}
	if got := page(privet.SubjectFilter{}); !slices.Equal(got, ids) {
		t.Errorf("default limit returned %d, want all %d", len(got), len(ids))
	}
}

func testIdentityConflict(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	a := newSubject(tn.ID)
	createSubject(t, st, a)

	b := newSubject(tn.ID)
	b.Identities = []privet.Identity{
		{Type: privet.IdentityPhone, Index: randomBytes(32), Sealed: randomBytes(10)},
		{Type: privet.IdentityEmail, Index: a.Identities[0].Index, Sealed: randomBytes(10)},
	}
	err := st.Update(ctx, func(tx privet.Tx) error { return tx.CreateSubject(ctx, b) })
	wantCode(t, err, privet.ECONFLICT)
	if f := privet.ErrorField(err); f != "identities.email" {
		t.Errorf("Field = %q, want identities.email", f)
	}
	if msg := privet.ErrorMessage(err); strings.Contains(msg, fmt.Sprintf("%x", a.Identities[0].Index)) || strings.Contains(msg, string(a.Identities[0].Index)) {
		t.Errorf("message %q contains the identity", msg)
	}

	// The conflict undoes the whole create, even when fn carries on.
	update(t, st, func(tx privet.Tx) error {
		if err := tx.CreateSubject(ctx, b); privet.ErrorCode(err) != privet.ECONFLICT {
			t.Errorf("CreateSubject = %v, want ECONFLICT", err)
		}
		_, err := tx.Subject(ctx, tn.ID, b.ID)
		wantNotFound(t, err)
		_, err = tx.SubjectIDByIdentity(ctx, tn.ID, privet.IdentityPhone, b.Identities[0].Index)
		wantNotFound(t, err)
		return nil
	})

	// AddIdentity conflicts the same way; another tenant may hold the same index.
	err = st.Update(ctx, func(tx privet.Tx) error {
		s := newSubject(tn.ID)
		s.Identities = nil
		if err := tx.CreateSubject(ctx, s); err != nil {
			return err
		}
		return tx.AddIdentity(ctx, tn.ID, s.ID, a.Identities[0])
	})
	wantCode(t, err, privet.ECONFLICT)
	if f := privet.ErrorField(err); f != "identities.email" {
		t.Errorf("AddIdentity Field = %q, want identities.email", f)
	}
	o := newSubject(other.ID)
	o.Identities = a.Identities
	createSubject(t, st, o)
}

func testIdentityConflictConcurrent(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	index := randomBytes(32)
	for round := range 10 {
		index[0] = byte(round)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				s := newSubject(tn.ID)
				s.Identities[0].Index = slices.Clone(index)
				errs[i] = st.Update(ctx, func(tx privet.Tx) error { return tx.CreateSubject(ctx, s) })
			})
		}
		wg.Wait()
		codes := []string{privet.ErrorCode(errs[0]), privet.ErrorCode(errs[1])}
		slices.Sort(codes)
		if !slices.Equal(codes, []string{"", privet.ECONFLICT}) {
			t.Fatalf("round %d: errors %v, want exactly one nil and one ECONFLICT", round, errs)
		}
	}
}

func testErase(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	s := newSubject(tn.ID)
	createSubject(t, st, s)
	at := now().Add(time.Hour)
	update(t, st, func(tx privet.Tx) error { return tx.EraseSubject(ctx, tn.ID, s.ID, at) })

	got := readSubject(t, st, tn.ID, s.ID)
	if got.Status != privet.StatusErased || got.ErasedAt == nil || !got.ErasedAt.Equal(at) {
		t.Errorf("after erase: status %q erased_at %v, want erased at %v", got.Status, got.ErasedAt, at)
	}
	if got.Identities != nil || got.Fields != nil || got.SealedBirthDate != nil {
		t.Errorf("after erase: identities %d, fields %d, birth date %v; want none", len(got.Identities), len(got.Fields), got.SealedBirthDate)
	}
	view(t, st, func(tx privet.Tx) error {
		_, err := tx.SubjectIDByIdentity(ctx, tn.ID, s.Identities[0].Type, s.Identities[0].Index)
		wantNotFound(t, err)
		_, err = tx.SubjectByIdentity(ctx, tn.ID, s.Identities[0].Type, s.Identities[0].Index)
		wantNotFound(t, err)
		return nil
	})
	// The freed identity can belong to a new subject.
	n := newSubject(tn.ID)
	n.Identities = s.Identities
	createSubject(t, st, n)
}

func testTenantIsolation(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	s := newSubject(tn.ID)
	createSubject(t, st, s)
	update(t, st, func(tx privet.Tx) error {
		return tx.AppendAudit(ctx, &privet.AuditEvent{TenantID: tn.ID, Time: now(), ActorType: privet.ActorSystem,
			ActorID: "test", Action: "subject.create", SubjectID: s.ID, Result: privet.ResultOK})
	})

	reads := []struct {
		name string
		fn   func(tx privet.Tx) error
	}{
		{"Subject", func(tx privet.Tx) error { _, err := tx.Subject(ctx, other.ID, s.ID); return err }},
		{"SubjectAttrs", func(tx privet.Tx) error { _, err := tx.SubjectAttrs(ctx, other.ID, s.ID); return err }},
		{"SubjectIDByIdentity", func(tx privet.Tx) error {
			_, err := tx.SubjectIDByIdentity(ctx, other.ID, s.Identities[0].Type, s.Identities[0].Index)
			return err
		}},
		{"SubjectByIdentity", func(tx privet.Tx) error {
			_, err := tx.SubjectByIdentity(ctx, other.ID, s.Identities[0].Type, s.Identities[0].Index)
			return err
		}},
	}
	for _, tc := range reads {
		t.Run(tc.name, func(t *testing.T) { wantNotFound(t, st.View(ctx, tc.fn)) })
	}
	writes := []struct {
		name string
		fn   func(tx privet.Tx) error
	}{
		{"UpdateSubject", func(tx privet.Tx) error { c := *s; c.TenantID = other.ID; return tx.UpdateSubject(ctx, &c) }},
		{"RemoveIdentity", func(tx privet.Tx) error {
			return tx.RemoveIdentity(ctx, other.ID, s.ID, s.Identities[0].Type, s.Identities[0].Index)
		}},
		{"EraseSubject", func(tx privet.Tx) error { return tx.EraseSubject(ctx, other.ID, s.ID, now()) }},
		{"PutFields", func(tx privet.Tx) error { return tx.PutFields(ctx, other.ID, s.ID, s.Fields) }},
		{"AddIdentity", func(tx privet.Tx) error {
			return tx.AddIdentity(ctx, other.ID, s.ID, privet.Identity{Type: privet.IdentityPhone, Index: randomBytes(32)})
		}},
	}
	for _, tc := range writes {
		t.Run(tc.name, func(t *testing.T) { wantNotFound(t, st.Update(ctx, tc.fn)) })
	}
	update(t, st, func(tx privet.Tx) error { return tx.DeleteFields(ctx, other.ID, s.ID, []string{"email"}) })
	view(t, st, func(tx privet.Tx) error {
		if list, err := tx.Subjects(ctx, other.ID, privet.SubjectFilter{}); err != nil || len(list) != 0 {
			t.Errorf("Subjects(other) = %d, %v; want none", len(list), err)
		}
		if evs, err := tx.AuditEvents(ctx, other.ID, privet.AuditQuery{}); err != nil || len(evs) != 0 {
			t.Errorf("AuditEvents(other) = %d, %v; want none", len(evs), err)
		}
		return nil
	})
	if got := readSubject(t, st, tn.ID, s.ID); !reflect.DeepEqual(got, s) {
		t.Errorf("subject changed through another tenant:\n%+v\nwant\n%+v", got, s)
	}
}

// testSubjectConcurrentChanges runs many read-change-write Updates of one
// subject at once: each moves its last activity one second on from what it
// read. On an engine with concurrent writers, a change computed from a read
// that another transaction overtook must be made again on the newer row, so
// none is lost; and a change computed before an erasure must not write over
// it (the subject stays erased).
func testSubjectConcurrentChanges(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	s := newSubject(tn.ID)
	createSubject(t, st, s)
	start := readSubject(t, st, tn.ID, s.ID).LastActivityAt

	const changes = 48
	var wg sync.WaitGroup
	errs := make([]error, changes)
	for i := range changes {
		wg.Go(func() {
			errs[i] = st.Update(ctx, func(tx privet.Tx) error {
				sub, err := tx.Subject(ctx, tn.ID, s.ID)
				if err != nil {
					return err
				}
				sub.LastActivityAt = sub.LastActivityAt.Add(time.Second)
				return tx.UpdateSubject(ctx, sub)
			})
		})
	}
	wg.Wait()
	applied := 0
	for _, err := range errs {
		switch {
		case err == nil:
			applied++
		case privet.ErrorCode(err) != privet.ECONFLICT:
			t.Fatalf("concurrent change: %v", err)
		}
	}
	got := readSubject(t, st, tn.ID, s.ID).LastActivityAt
	if want := start.Add(time.Duration(applied) * time.Second); !got.Equal(want) || applied == 0 {
		t.Errorf("after %d acknowledged changes (of %d) last activity moved %v, want %v: a change was lost",
			applied, changes, got.Sub(start), want.Sub(start))
	}

	// Changes racing an erasure: each either lands before it or finds the
	// subject erased; none makes it active again.
	for round := range 10 {
		e := newSubject(tn.ID)
		createSubject(t, st, e)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				_ = st.Update(ctx, func(tx privet.Tx) error {
					sub, err := tx.Subject(ctx, tn.ID, e.ID)
					if err != nil || sub.Status == privet.StatusErased {
						return err
					}
					sub.Jurisdiction = "FR"
					return tx.UpdateSubject(ctx, sub)
				})
			})
		}
		var eraseErr error
		wg.Go(func() {
			eraseErr = st.Update(ctx, func(tx privet.Tx) error { return tx.EraseSubject(ctx, tn.ID, e.ID, now()) })
		})
		wg.Wait()
		if eraseErr != nil {
			t.Fatalf("round %d: erase: %v", round, eraseErr)
		}
		if got := readSubject(t, st, tn.ID, e.ID); got.Status != privet.StatusErased || got.ErasedAt == nil {
			t.Fatalf("round %d: after an erasure raced by changes, status %q: the erasure was written over", round, got.Status)
		}
	}
}

// testCreateManyRows stores a subject with more identities and fields than
// one statement of a create carries, and a conflict on its last identity.
func testCreateManyRows(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	s := newSubject(tn.ID)
	s.Identities, s.Fields = nil, nil
	types := []privet.IdentityType{privet.IdentityEmail, privet.IdentityPhone, privet.IdentityCookieID}
	for i := range 11 {
		s.Identities = append(s.Identities, privet.Identity{Type: types[i%len(types)], Index: randomBytes(32), Sealed: randomBytes(10 + i)})
	}
	for i := range 19 {
		s.Fields = append(s.Fields, privet.Field{Name: fmt.Sprintf("f%02d", i), Category: "user.name", Sealed: randomBytes(10 + i), UpdatedAt: s.CreatedAt})
	}
	createSubject(t, st, s)
	var got *privet.Subject
	update(t, st, func(tx privet.Tx) error {
		var err error
		got, err = tx.Subject(ctx, tn.ID, s.ID)
		return err
	})
	if len(got.Identities) != len(s.Identities) || len(got.Fields) != len(s.Fields) {
		t.Fatalf("stored %d identities and %d fields, want %d and %d", len(got.Identities), len(got.Fields), len(s.Identities), len(s.Fields))
	}
	for i, f := range got.Fields {
		if f.Name != s.Fields[i].Name || !bytes.Equal(f.Sealed, s.Fields[i].Sealed) {
			t.Fatalf("field %d = %s, want %s with its sealed value", i, f.Name, s.Fields[i].Name)
		}
	}
	update(t, st, func(tx privet.Tx) error {
		for _, want := range s.Identities {
			id, err := tx.SubjectIDByIdentity(ctx, tn.ID, want.Type, want.Index)
			if err != nil || id != s.ID {
				t.Errorf("identity %s: %s, %v", want.Type, id, err)
			}
		}
		return nil
	})

	b := newSubject(tn.ID)
	b.Identities = nil
	for i := range 10 {
		b.Identities = append(b.Identities, privet.Identity{Type: types[i%len(types)], Index: randomBytes(32), Sealed: randomBytes(10)})
	}
	b.Identities = append(b.Identities, s.Identities[10])
	err := st.Update(ctx, func(tx privet.Tx) error { return tx.CreateSubject(ctx, b) })
	wantCode(t, err, privet.ECONFLICT)
	if f := privet.ErrorField(err); f != "identities."+string(s.Identities[10].Type) {
		t.Errorf("Field = %q, want identities.%s", f, s.Identities[10].Type)
	}
	update(t, st, func(tx privet.Tx) error {
		if _, err := tx.SubjectIDByIdentity(ctx, tn.ID, b.Identities[0].Type, b.Identities[0].Index); !errors.Is(err, privet.ErrNotFound) {
			t.Errorf("a conflicting create left an identity behind: %v", err)
		}
		return nil
	})
}
