package requests_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/vault"
)

func TestErasureKeepsWhatIsHeld(t *testing.T) {
	e := newEnv(t, "pypeserver")
	ctx := context.Background()
	e.svc.Holds = holds{{Category: "user.name", Reason: "hld_tax_audit"}}
	sub := e.subject(t, "DE", "ada@example.com")
	// The person confirmed in the app already (the policy asks for it).
	f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "erasure", Confirmed: true})
	if err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	got := e.get(t, f.Request.ID)
	if got.Outcome != privet.OutcomeCompliedInPart {
		t.Fatalf("status %s outcome %s", got.Status, got.Outcome)
	}
	var d struct {
		Erasure []privet.ErasureReport `json:"erasure"`
	}
	if err := json.Unmarshal(got.Details, &d); err != nil || len(d.Erasure) != 1 {
		t.Fatalf("details %s: %v", got.Details, err)
	}
	rep := d.Erasure[0]
	if !slices.Equal(rep.Kept, []privet.KeptCategory{{Category: "user.name", Reason: "hld_tax_audit"}}) || !slices.Contains(rep.Erased, "user.contact.email") {
		t.Errorf("report %+v", rep)
	}
	v, err := e.vault.Get(ctx, e.actor, e.tenant, sub, vault.ReadOptions{Purpose: "essential.service.operations"})
	if err == nil {
		for _, fv := range v.Fields {
			if fv.Name == "email" {
				t.Error("the email field survived the erasure")
			}
		}
	}

	// Nothing held: the key is destroyed, every copy unreadable.
	e.svc.Holds = nil
	other := e.subject(t, "DE", "grace@example.com")
	f, err = e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: other, Type: "erasure"})
	if err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	if got := e.get(t, f.Request.ID); got.Status != privet.RequestAwaitingConfirm {
		t.Fatalf("unconfirmed erasure: %s", got.Status)
	}
	if _, err := e.svc.Confirm(ctx, e.actor, e.tenant, f.Request.ID); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	if got := e.get(t, f.Request.ID); got.Outcome != privet.OutcomeComplied {
		t.Errorf("outcome %s", got.Outcome)
	}
	if _, err := e.keys.DataKey(ctx, e.tenant, other); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Errorf("data key after erasure: %v", err)
	}
	// A rerun of the job changes nothing.
	if err := e.svc.Execute(ctx, e.tenant, f.Request.ID); err != nil {
		t.Fatal(err)
	}
}

func TestApprovalAndDenialWithAppealRoutes(t *testing.T) {
	e := newEnv(t, "cipo-cloud")
	ctx := context.Background()
	sub := e.subject(t, "DE", "ada@example.com")
	f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "rectification",
		Corrections: map[string]string{"name": "Ada King"}})
	if err != nil {
		t.Fatal(err)
	}
	r := f.Request
	if r.Status != privet.RequestAwaitingApproval {
		t.Fatalf("status %s", r.Status)
	}
	e.drain(t)
	if _, err := e.svc.Approve(ctx, e.actor, e.tenant, r.ID); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	got := e.get(t, r.ID)
	if got.Outcome != privet.OutcomeComplied || strings.Contains(string(got.Details), "Ada King") || !strings.Contains(string(got.Details), `"corrected":["name"]`) {
		t.Fatalf("after approval: %s %s", got.Outcome, got.Details)
	}
	v, err := e.vault.Get(ctx, e.actor, e.tenant, sub, vault.ReadOptions{Purpose: "essential.service.collaboration"})
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(v.Fields, func(f vault.FieldView) bool { return f.Name == "name" }); i >= 0 && v.Fields[i].Value != "Ada King" {
		t.Errorf("name is %q after rectification", v.Fields[i].Value)
	}

	// A correction of a field the subject lacks fails the job with the field named.
	e.clock.Advance(day(1))
	f, err = e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "erasure"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Deny(ctx, e.actor, e.tenant, f.Request.ID, "")
	wantCode(t, err, privet.EINVALID)
	denied, err := e.svc.Deny(ctx, e.actor, e.tenant, f.Request.ID, requests.DenyExcessive)
	if err != nil || denied.Status != privet.RequestDenied {
		t.Fatalf("deny: %+v, %v", denied, err)
	}
	_, err = e.svc.Approve(ctx, e.actor, e.tenant, f.Request.ID)
	wantCode(t, err, privet.ECONFLICT)
	e.drain(t)
	n := e.sent.last(f.Request.ID, requests.TemplateDenied)
	if n == nil || n.Vars["appeal"] == "" || n.Vars["complaint"] == "" || n.Vars["deny_message"] == "" {
		t.Errorf("denial notice %+v", n)
	}
	// Another tenant cannot approve or deny.
	_, err = e.svc.Deny(ctx, e.actor, e.newTenant(t), r.ID, "no")
	wantCode(t, err, privet.ENOTFOUND)
}

func TestProcessorRoutesToItsClient(t *testing.T) {
	e := newEnv(t, "kipsu")
	ctx := context.Background()
	sub := e.subject(t, "US-NY", "guest@example.com")
	f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "access"})
	if err != nil {
		t.Fatal(err)
	}
	r := f.Request
	if r.Status != privet.RequestRouted || r.ProcessorClient != "example-hotel" {
		t.Fatalf("routed: %s to %q", r.Status, r.ProcessorClient)
	}
	e.drain(t)
	fwd := e.sent.last(r.ID, requests.TemplateForwarded)
	if fwd == nil || fwd.Contact != "privacy@hotel.example" {
		t.Errorf("forwarded notice %+v", fwd)
	}
	if told := e.sent.last(r.ID, requests.TemplateRouted); told == nil || told.Vars["client_name"] == "" {
		t.Errorf("the subject is not told who handles it: %+v", told)
	}
	if e.packages.built[r.ID] != 0 {
		t.Error("a processor built a package for its client's request")
	}
	// The client answered: approving closes the routed request.
	done, err := e.svc.Approve(ctx, e.actor, e.tenant, r.ID)
	if err != nil || done.Status != privet.RequestCompleted || done.Outcome != privet.OutcomeRouted {
		t.Fatalf("closing the routed request: %+v, %v", done, err)
	}
	_, err = e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "erasure", Client: "nobody"})
	wantCode(t, err, privet.EINVALID)
}

func TestOptOutRecordsWithdrawals(t *testing.T) {
	e := newEnv(t, "pypeserver")
	ctx := context.Background()
	sub := e.subject(t, "US-CA", "ada@example.com")
	want := requests.Stops(e.pol, "US-CA", "opt_out_sale")
	f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "opt_out_sale"})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Request.DueAt.Equal(start.Add(day(21))) {
		t.Errorf("opt-out due %v", f.Request.DueAt)
	}
	e.drain(t)
	evs, err := e.svc.Consent.(*consent.Service).Events(ctx, e.tenant, consent.Party{SubjectID: sub}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range evs {
		if ev.State == privet.StateWithdrawn {
			got = append(got, ev.Purpose)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("withdrawn %v, want %v", got, want)
	}
	if r := e.get(t, f.Request.ID); r.Outcome != privet.OutcomeComplied {
		t.Errorf("outcome %s", r.Outcome)
	}
}
