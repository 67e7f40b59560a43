package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/privet-dev/privet"
)

func newIncident(tenantID string) *privet.Incident {
	at := now()
	return &privet.Incident{
		ID: privet.NewID(privet.PrefixIncident), TenantID: tenantID, Title: "Support inbox exposed",
		Description: "A misconfigured bucket", Categories: []string{"user.contact"}, DiscoveredAt: at.Add(-time.Hour),
		Status: privet.IncidentOpen, Risk: privet.RiskHigh, Impact: "phishing", Measures: "bucket closed",
		Advice: "beware of phishing", PasswordReset: true, Jurisdictions: []string{"EU", "US-CA"},
		CreatedAt: at, UpdatedAt: at,
	}
}

func testIncidents(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	inc := newIncident(tn.ID)
	occurred := inc.DiscoveredAt.Add(-48 * time.Hour)
	inc.OccurredAt = &occurred
	update(t, st, func(tx privet.Tx) error { return tx.CreateIncident(ctx, inc) })

	var got *privet.Incident
	view(t, st, func(tx privet.Tx) (err error) { got, err = tx.Incident(ctx, tn.ID, inc.ID); return err })
	if got.Title != inc.Title || got.Description != inc.Description || !slices.Equal(got.Categories, inc.Categories) ||
		!got.DiscoveredAt.Equal(inc.DiscoveredAt) || got.OccurredAt == nil || !got.OccurredAt.Equal(occurred) ||
		got.Status != privet.IncidentOpen || got.Risk != privet.RiskHigh || got.Impact != inc.Impact ||
		got.Measures != inc.Measures || got.Advice != inc.Advice || !got.PasswordReset ||
		!slices.Equal(got.Jurisdictions, inc.Jurisdictions) || got.RegulatorNotifiedAt != nil || got.PublicNoticeAt != nil ||
		!got.CreatedAt.Equal(inc.CreatedAt) || got.TenantID != tn.ID {
		t.Fatalf("round trip changed the incident: %+v", got)
	}

	// Another tenant sees nothing; an unpublished incident is not public.
	err := st.View(ctx, func(tx privet.Tx) error { _, err := tx.Incident(ctx, other.ID, inc.ID); return err })
	wantNotFound(t, err)
	err = st.View(ctx, func(tx privet.Tx) error { _, err := tx.PublicIncident(ctx, inc.ID); return err })
	wantNotFound(t, err)

	notified := now()
	got.Status, got.RegulatorNotifiedAt, got.PublicNoticeAt, got.UpdatedAt = privet.IncidentNotified, &notified, &notified, notified
	got.Categories = []string{"user.contact", "user.name"}
	update(t, st, func(tx privet.Tx) error { return tx.UpdateIncident(ctx, got) })
	var public *privet.Incident
	view(t, st, func(tx privet.Tx) (err error) { public, err = tx.PublicIncident(ctx, inc.ID); return err })
	if public.Status != privet.IncidentNotified || public.RegulatorNotifiedAt == nil || !public.RegulatorNotifiedAt.Equal(notified) ||
		len(public.Categories) != 2 || public.TenantID != tn.ID {
		t.Fatalf("update lost: %+v", public)
	}

	ghost := newIncident(tn.ID)
	err = st.Update(ctx, func(tx privet.Tx) error { return tx.UpdateIncident(ctx, ghost) })
	wantNotFound(t, err)
	err = st.Update(ctx, func(tx privet.Tx) error { return tx.CreateIncident(ctx, newIncident("ten_missing")) })
	wantNotFound(t, err)

	second := newIncident(tn.ID)
	update(t, st, func(tx privet.Tx) error { return tx.CreateIncident(ctx, second) })
	var all, openOnly []*privet.Incident
	view(t, st, func(tx privet.Tx) (err error) {
		if all, err = tx.Incidents(ctx, tn.ID, privet.IncidentFilter{}); err != nil {
			return err
		}
		openOnly, err = tx.Incidents(ctx, tn.ID, privet.IncidentFilter{Status: privet.IncidentOpen})
		return err
	})
	if len(all) != 2 || all[0].ID > all[1].ID || len(openOnly) != 1 || openOnly[0].ID != second.ID {
		t.Fatalf("list: %d incidents, %d open", len(all), len(openOnly))
	}
	var none []*privet.Incident
	view(t, st, func(tx privet.Tx) (err error) {
		none, err = tx.Incidents(ctx, other.ID, privet.IncidentFilter{})
		return err
	})
	if len(none) != 0 {
		t.Fatalf("another tenant lists %d incidents", len(none))
	}
}

func testIncidentAffected(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)

	// email: a field user.contact.email and an email identity (newSubject).
	withEmail := newSubject(tn.ID)
	// name only, in the US.
	nameOnly := newSubject(tn.ID)
	nameOnly.Jurisdiction = "US-CA"
	nameOnly.Identities = []privet.Identity{{Type: privet.IdentityExternalID, Index: randomBytes(32), Sealed: randomBytes(20)}}
	nameOnly.Fields = []privet.Field{{Name: "name", Category: "user.name", Sealed: randomBytes(20), UpdatedAt: now()}}
	// a category that shares a prefix but not a segment: user.contactless.
	lookalike := newSubject(tn.ID)
	lookalike.Identities = []privet.Identity{{Type: privet.IdentityExternalID, Index: randomBytes(32), Sealed: randomBytes(20)}}
	lookalike.Fields = []privet.Field{{Name: "x", Category: "user.contactless", Sealed: randomBytes(20), UpdatedAt: now()}}
	// phone identity only: found by identity type, not by a field.
	phoneOnly := newSubject(tn.ID)
	phoneOnly.Identities = []privet.Identity{{Type: privet.IdentityPhone, Index: randomBytes(32), Sealed: randomBytes(20)}}
	phoneOnly.Fields = nil
	erased := newSubject(tn.ID)
	foreign := newSubject(other.ID)
	for _, s := range []*privet.Subject{withEmail, nameOnly, lookalike, phoneOnly, erased, foreign} {
		createSubject(t, st, s)
	}
	update(t, st, func(tx privet.Tx) error { return tx.EraseSubject(ctx, tn.ID, erased.ID, now()) })

	find := func(q privet.AffectedQuery) []string {
		t.Helper()
		var ids []string
		view(t, st, func(tx privet.Tx) (err error) { ids, err = tx.AffectedSubjectIDs(ctx, tn.ID, q); return err })
		return ids
	}
	sorted := func(ids ...string) []string { slices.Sort(ids); return ids }

	if got, want := find(privet.AffectedQuery{Categories: []string{"user.contact"}}), sorted(withEmail.ID); !slices.Equal(got, want) {
		t.Fatalf("user.contact (fields only): %v, want %v", got, want)
	}
	if got, want := find(privet.AffectedQuery{Categories: []string{"user.contact.email"}, IdentityTypes: []privet.IdentityType{privet.IdentityPhone}}),
		sorted(withEmail.ID, phoneOnly.ID); !slices.Equal(got, want) {
		t.Fatalf("email fields or phone identities: %v, want %v", got, want)
	}
	if got, want := find(privet.AffectedQuery{Categories: []string{"user"}}), sorted(withEmail.ID, nameOnly.ID, lookalike.ID); !slices.Equal(got, want) {
		t.Fatalf("user: %v, want %v", got, want)
	}
	if got, want := find(privet.AffectedQuery{Categories: []string{"user"}, Jurisdictions: []string{"US-CA"}}), []string{nameOnly.ID}; !slices.Equal(got, want) {
		t.Fatalf("user in US-CA: %v, want %v", got, want)
	}
	if got := find(privet.AffectedQuery{}); len(got) != 0 {
		t.Fatalf("no categories found %v", got)
	}
	all := find(privet.AffectedQuery{Categories: []string{"user"}})
	if page := find(privet.AffectedQuery{Categories: []string{"user"}, After: all[0], Limit: 1}); len(page) != 1 || page[0] != all[1] {
		t.Fatalf("page after %s: %v", all[0], page)
	}

	inc := newIncident(tn.ID)
	inc.Categories = []string{"user.contact.email"}
	update(t, st, func(tx privet.Tx) error { return tx.CreateIncident(ctx, inc) })
	var added int
	update(t, st, func(tx privet.Tx) (err error) {
		added, err = tx.AddAffected(ctx, tn.ID, inc.ID, []string{withEmail.ID, phoneOnly.ID})
		return err
	})
	if added != 2 {
		t.Fatalf("added %d, want 2", added)
	}
	at := now()
	update(t, st, func(tx privet.Tx) error { return tx.MarkNotified(ctx, tn.ID, inc.ID, withEmail.ID, at) })
	// Adding again keeps the state: the notified subject stays notified.
	update(t, st, func(tx privet.Tx) (err error) {
		added, err = tx.AddAffected(ctx, tn.ID, inc.ID, []string{withEmail.ID, phoneOnly.ID, nameOnly.ID})
		return err
	})
	if added != 1 {
		t.Fatalf("re-adding: %d new, want 1", added)
	}
	// A second mark keeps the first time.
	update(t, st, func(tx privet.Tx) error { return tx.MarkNotified(ctx, tn.ID, inc.ID, withEmail.ID, at.Add(time.Hour)) })

	var everyone, pending []privet.AffectedSubject
	view(t, st, func(tx privet.Tx) (err error) {
		if everyone, err = tx.Affected(ctx, tn.ID, inc.ID, privet.AffectedFilter{}); err != nil {
			return err
		}
		pending, err = tx.Affected(ctx, tn.ID, inc.ID, privet.AffectedFilter{Pending: true})
		return err
	})
	if len(everyone) != 3 || len(pending) != 2 || slices.ContainsFunc(pending, func(a privet.AffectedSubject) bool { return a.SubjectID == withEmail.ID }) {
		t.Fatalf("affected %d, pending %d", len(everyone), len(pending))
	}
	for _, a := range everyone {
		if (a.SubjectID == withEmail.ID) != (a.NotifiedAt != nil) || (a.NotifiedAt != nil && !a.NotifiedAt.Equal(at)) {
			t.Fatalf("notified state of %s: %v", a.SubjectID, a.NotifiedAt)
		}
	}

	var c privet.AffectedCounts
	view(t, st, func(tx privet.Tx) (err error) {
		c, err = tx.CountAffected(ctx, tn.ID, inc.ID, privet.AffectedQuery{Categories: []string{"user.contact.email"},
			IdentityTypes: []privet.IdentityType{privet.IdentityEmail}})
		return err
	})
	// withEmail: its email field and email identity; phoneOnly and nameOnly hold neither.
	if c.People != 3 || c.Notified != 1 || c.Records != 2 {
		t.Fatalf("counts = %+v, want 3 people, 1 notified, 2 records", c)
	}

	err := st.Update(ctx, func(tx privet.Tx) error { return tx.MarkNotified(ctx, tn.ID, inc.ID, lookalike.ID, at) })
	wantNotFound(t, err)
	err = st.Update(ctx, func(tx privet.Tx) error {
		_, err := tx.AddAffected(ctx, tn.ID, inc.ID, []string{foreign.ID})
		return err
	})
	wantNotFound(t, err)
	err = st.Update(ctx, func(tx privet.Tx) error {
		_, err := tx.AddAffected(ctx, other.ID, inc.ID, []string{foreign.ID})
		return err
	})
	wantNotFound(t, err)
}
