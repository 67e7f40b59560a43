package resources_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/privettest"
	"github.com/privet-dev/privet/resources"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/vault"
)

var app = privet.Actor{Type: privet.ActorAPIKey, ID: "key_app"}

type env struct {
	svc           *privettest.Services
	res           *resources.Service
	clock         *privet.ManualClock
	tenant, other string
}

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	svc := privettest.NewOn(t, engine, "cipo-cloud")
	clock := privet.NewManualClock(time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC))
	svc.Vault.Clock = clock
	e := &env{svc: svc, clock: clock, res: &resources.Service{Store: svc.Store, Vault: svc.Vault, Clock: clock}}
	for _, p := range []*string{&e.tenant, &e.other} {
		tn, err := svc.Tenancy.CreateTenant(context.Background(), "T")
		if err != nil {
			t.Fatal(err)
		}
		*p = tn.ID
	}
	return e
}

func (e *env) person(t *testing.T, tenantID, email, name string) string {
	t.Helper()
	in := vault.CreateInput{Jurisdiction: "US-NY", Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: email}}}
	if name != "" {
		in.Fields = []vault.FieldInput{{Name: "name", Category: "user.name", Value: name}}
	}
	v, err := e.svc.Vault.Create(context.Background(), app, tenantID, in)
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

func (e *env) record(t *testing.T, tenantID, doc, subject, action string) {
	t.Helper()
	if _, err := e.res.Record(context.Background(), app, tenantID, doc, resources.RecordInput{SubjectID: subject, Action: action}); err != nil {
		t.Fatalf("record %s %s: %v", doc, action, err)
	}
	e.clock.Advance(time.Minute)
}

func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if privet.ErrorCode(err) != code || privet.ErrorField(err) != field {
		t.Fatalf("error = %v (code %q, field %q), want %s naming %q", err, privet.ErrorCode(err), privet.ErrorField(err), code, field)
	}
}

func TestHistory(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) { testHistory(t, engine) })
	}
}

func testHistory(t *testing.T, engine string) {
	e := newEnv(t, engine)
	ctx := context.Background()
	ada := e.person(t, e.tenant, "ada@example.com", "Ada Lovelace")
	grace := e.person(t, e.tenant, "grace@example.com", "Grace Hopper")
	nameless := e.person(t, e.tenant, "anon@example.com", "")
	start := e.clock.Now()
	e.record(t, e.tenant, "doc-42", ada, "create")
	e.record(t, e.tenant, "doc-42", grace, "view")
	e.record(t, e.tenant, "doc-7", grace, "edit") // another document
	e.record(t, e.tenant, "doc-42", grace, "edit")
	e.record(t, e.tenant, "doc-42", nameless, "view")

	// For collaboration the names are read: who, what, when.
	h, err := e.res.History(ctx, app, e.tenant, "doc-42", resources.HistoryQuery{Purpose: "essential.service.collaboration"})
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ action, subject, name, status string }
	want := []row{{"create", ada, "Ada Lovelace", "shown"}, {"view", grace, "Grace Hopper", "shown"},
		{"edit", grace, "Grace Hopper", "shown"}, {"view", nameless, "", "unknown"}}
	if len(h.Entries) != len(want) || h.Next != 0 {
		t.Fatalf("history = %+v, want %d entries on one page", h, len(want))
	}
	for i, w := range want {
		got := h.Entries[i]
		if (row{got.Action, got.SubjectID, got.Name, got.NameStatus}) != w {
			t.Errorf("entry %d = %+v, want %+v", i, got, w)
		}
	}
	if !h.Entries[0].Time.Equal(start) || !h.Entries[3].Time.Equal(start.Add(4*time.Minute)) {
		t.Errorf("times = %v .. %v, want from %v a minute apart", h.Entries[0].Time, h.Entries[3].Time, start)
	}

	// A purpose that may not read names gets the entries without them, and
	// reads nothing from the vault.
	reads := func() int {
		evs, err := e.svc.Audit.Events(ctx, e.tenant, privet.AuditQuery{Action: "subject.read", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	before := reads()
	h, err = e.res.History(ctx, app, e.tenant, "doc-42", resources.HistoryQuery{Purpose: "analytics.reporting"})
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range h.Entries {
		if en.Name != "" || en.NameStatus != resources.NameWithheld {
			t.Errorf("for analytics: %+v, want the name withheld", en)
		}
	}
	if reads() != before {
		t.Error("a history for a purpose that may not read names read the vault")
	}

	// Pages follow the chain.
	page, err := e.res.History(ctx, app, e.tenant, "doc-42", resources.HistoryQuery{Purpose: "essential.service.collaboration", Limit: 3})
	if err != nil || len(page.Entries) != 3 || page.Next == 0 {
		t.Fatalf("first page = %+v, %v", page, err)
	}
	page, err = e.res.History(ctx, app, e.tenant, "doc-42", resources.HistoryQuery{Purpose: "essential.service.collaboration", Limit: 3, After: page.Next})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].SubjectID != nameless || page.Next != 0 {
		t.Fatalf("second page = %+v, %v", page, err)
	}

	// An erased person stays in the history as erased, by id only.
	if err := e.svc.Vault.Erase(ctx, app, e.tenant, grace); err != nil {
		t.Fatal(err)
	}
	h, err = e.res.History(ctx, app, e.tenant, "doc-42", resources.HistoryQuery{Purpose: "essential.service.collaboration"})
	if err != nil {
		t.Fatal(err)
	}
	if en := h.Entries[1]; en.SubjectID != grace || en.Name != "" || en.NameStatus != resources.NameErased {
		t.Errorf("an erased actor = %+v, want erased", en)
	}
	_, err = e.res.Record(ctx, app, e.tenant, "doc-42", resources.RecordInput{SubjectID: grace, Action: "view"})
	wantCode(t, err, privet.ENOTFOUND, "subject_id")

	// Another tenant neither records its people's actions on this tenant's
	// subjects nor sees this tenant's history of the same id.
	stranger := e.person(t, e.other, "stranger@example.com", "Stranger")
	_, err = e.res.Record(ctx, app, e.other, "doc-42", resources.RecordInput{SubjectID: ada, Action: "view"})
	wantCode(t, err, privet.ENOTFOUND, "subject_id")
	_, err = e.res.Record(ctx, app, e.tenant, "doc-42", resources.RecordInput{SubjectID: stranger, Action: "view"})
	wantCode(t, err, privet.ENOTFOUND, "subject_id")
	_, err = e.res.History(ctx, app, e.other, "doc-42", resources.HistoryQuery{Purpose: "essential.service.collaboration"})
	if privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Errorf("another tenant's history of doc-42: %v, want not found", err)
	}

	// The events are in the tenant's hash chain, which still verifies.
	rep, err := e.svc.Audit.Verify(ctx, e.tenant)
	if err != nil || !rep.OK {
		t.Fatalf("verify = %+v, %v", rep, err)
	}
	evs, err := e.svc.Audit.Events(ctx, e.tenant, privet.AuditQuery{SubjectID: ada, Action: "resource.create"})
	if err != nil || len(evs) != 1 || evs[0].Resource != "doc-42" || evs[0].ActorID != app.ID {
		t.Errorf("the subject's audit trail = %+v, %v; want the create of doc-42 by the app's key", evs, err)
	}
}

func TestBadInput(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	ada := e.person(t, e.tenant, "ada@example.com", "Ada")
	for _, tc := range []struct {
		name, doc, subject, action, field string
	}{
		{"empty id", "", ada, "view", "id"},
		{"id too long", strings.Repeat("d", privet.MaxResourceIDBytes+1), ada, "view", "id"},
		{"an email as id", "ada@example.com", ada, "view", "id"},
		{"a title as id", "Q3 plan", ada, "view", "id"},
		{"unknown action", "doc-1", ada, "print", "action"},
		{"no subject", "doc-1", "", "view", "subject_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.res.Record(ctx, app, e.tenant, tc.doc, resources.RecordInput{SubjectID: tc.subject, Action: tc.action})
			wantCode(t, err, privet.EINVALID, tc.field)
			if strings.Contains(err.Error(), "ada@example.com") {
				t.Errorf("the error repeats the value: %v", err)
			}
		})
	}
	q := resources.HistoryQuery{Purpose: "essential.service.collaboration"}
	_, err := e.res.History(ctx, app, e.tenant, "doc 1", q)
	wantCode(t, err, privet.EINVALID, "id")
	_, err = e.res.History(ctx, app, e.tenant, "doc-1", resources.HistoryQuery{})
	wantCode(t, err, privet.EINVALID, "purpose")
	_, err = e.res.History(ctx, app, e.tenant, "doc-1", resources.HistoryQuery{Purpose: "no.such.purpose"})
	wantCode(t, err, privet.EINVALID, "purpose")
	_, err = e.res.History(ctx, app, e.tenant, "doc-1", resources.HistoryQuery{Purpose: q.Purpose, Limit: resources.MaxPage + 1})
	wantCode(t, err, privet.EINVALID, "limit")
	// Nothing was recorded by the refused reports.
	evs, err := e.svc.Audit.Events(ctx, e.tenant, privet.AuditQuery{SubjectID: ada})
	if err != nil || len(evs) != 1 || evs[0].Action != "subject.create" {
		t.Errorf("events after refused reports = %d, %v; want only the create", len(evs), err)
	}
}
