package requests_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/vault"
)

// withClient declares an enterprise customer in the CIPO Cloud policy, as
// the tenant does when one signs.
func withClient(src string) string {
	return strings.Replace(src, "role: controller\n", "role: controller\nclients:\n  - key: corp\n    name: Corp Inc\n    email: privacy@corp.example\n", 1)
}

// fieldNames are the names of the subject's fields, read for the service.
func (e *env) fieldNames(t *testing.T, sub string) []string {
	t.Helper()
	v, err := e.vault.Get(context.Background(), e.actor, e.tenant, sub, vault.ReadOptions{Purpose: "essential.service"})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range v.Fields {
		out = append(out, f.Name)
	}
	slices.Sort(out)
	return out
}

func (e *env) audited(t *testing.T, sub, action string) int {
	t.Helper()
	var evs []*privet.AuditEvent
	if err := e.store.View(context.Background(), func(tx privet.Tx) (err error) {
		evs, err = tx.AuditEvents(context.Background(), e.tenant, privet.AuditQuery{SubjectID: sub, Action: action})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return len(evs)
}

// TestErasureLimitedToCategories removes the community posts a person asks
// to remove and keeps the account; the completion notice names what went.
func TestErasureLimitedToCategories(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newEnvOn(t, engine, "cipo-cloud")
			ctx := context.Background()
			sub := e.subject(t, "US-NY", "poster@example.com")
			if err := e.vault.Update(ctx, e.actor, e.tenant, sub, vault.UpdateInput{SetFields: []vault.FieldInput{
				{Name: "forum_post", Category: "user.content.public", Value: "My setup tips"},
				{Name: "blog_post", Category: "user.content.public", Value: "A longer story"},
			}}); err != nil {
				t.Fatal(err)
			}
			// Bad scopes are refused, naming the field, and file nothing.
			for _, bad := range []struct {
				in    requests.FileInput
				field string
			}{
				{requests.FileInput{SubjectID: sub, Type: "access", Categories: []string{"user.content.public"}}, "categories"},
				{requests.FileInput{SubjectID: sub, Type: "erasure", Categories: []string{"user.government_id"}}, "categories[0]"},
				{requests.FileInput{SubjectID: sub, Type: "erasure", Categories: []string{"user.content.public", "user.contact"}}, "categories[1]"},
				{requests.FileInput{SubjectID: sub, Type: "erasure", Categories: []string{""}}, "categories[0]"},
			} {
				_, err := e.svc.File(ctx, e.actor, e.tenant, bad.in)
				if privet.ErrorCode(err) != privet.EINVALID || !strings.Contains(err.Error(), bad.field) {
					t.Errorf("%+v: %v, want EINVALID naming %s", bad.in, err, bad.field)
				}
			}
			if list, _ := e.svc.List(ctx, e.tenant, privet.RequestFilter{SubjectID: sub}); len(list) != 0 {
				t.Fatalf("refused input filed %d requests", len(list))
			}

			f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "erasure", Categories: []string{"user.content.public"}})
			if err != nil {
				t.Fatal(err)
			}
			if f.Request.Status != privet.RequestAwaitingApproval {
				t.Fatalf("status %s, want awaiting_approval (the policy has a person decide)", f.Request.Status)
			}
			if _, err := e.svc.Approve(ctx, e.actor, e.tenant, f.Request.ID); err != nil {
				t.Fatal(err)
			}
			e.drain(t)
			got := e.get(t, f.Request.ID)
			if got.Status != privet.RequestCompleted || got.Outcome != privet.OutcomeComplied {
				t.Fatalf("status %s outcome %s", got.Status, got.Outcome)
			}
			if names := e.fieldNames(t, sub); !slices.Equal(names, []string{"email", "name"}) {
				t.Errorf("fields after removing the posts = %v, want the account's email and name", names)
			}
			if _, err := e.keys.DataKey(ctx, e.tenant, sub); err != nil {
				t.Errorf("the account's key is gone: %v", err)
			}
			var d struct {
				Erasure []privet.ErasureReport `json:"erasure"`
			}
			if err := json.Unmarshal(got.Details, &d); err != nil || len(d.Erasure) != 1 || !slices.Equal(d.Erasure[0].Erased, []string{"user.content.public"}) {
				t.Errorf("erasure report %s", got.Details)
			}
			if n := e.sent.last(got.ID, requests.TemplateCompleted); n == nil || n.Vars["erased"] != "user.content.public" {
				t.Errorf("the completion notice does not say what was removed: %+v", n)
			}
		})
	}
}

// TestControllerRefersClientData refers a request naming a client to that
// client, in a policy whose role is controller; and asks for the client
// when the data named is what clients control.
func TestControllerRefersClientData(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newEnvOn(t, engine, "cipo-cloud", withClient)
			ctx := context.Background()
			sub := e.subject(t, "US-CA", "employee@corp.example")
			for _, bad := range []struct {
				in    requests.FileInput
				field string
			}{
				{requests.FileInput{SubjectID: sub, Type: "erasure", Categories: []string{"user.content.private"}}, "client"},
				{requests.FileInput{SubjectID: sub, Type: "erasure", Client: "corp", Categories: []string{"user.content.public"}}, "categories"},
				{requests.FileInput{SubjectID: sub, Type: "access", Client: "other"}, "client"},
			} {
				_, err := e.svc.File(ctx, e.actor, e.tenant, bad.in)
				if privet.ErrorCode(err) != privet.EINVALID || !strings.Contains(err.Error(), bad.field) {
					t.Errorf("%+v: %v, want EINVALID naming %s", bad.in, err, bad.field)
				}
			}
			for _, in := range []requests.FileInput{
				{SubjectID: sub, Type: "access", Client: "corp"},
				{SubjectID: sub, Type: "erasure", Client: "corp", Categories: []string{"user.content.private"}},
			} {
				f, err := e.svc.File(ctx, e.actor, e.tenant, in)
				if err != nil {
					t.Fatal(err)
				}
				r := f.Request
				if r.Status != privet.RequestRouted || r.ProcessorClient != "corp" {
					t.Fatalf("%s: %s to %q, want routed to corp", in.Type, r.Status, r.ProcessorClient)
				}
				e.drain(t)
				if fwd := e.sent.last(r.ID, requests.TemplateForwarded); fwd == nil || fwd.Contact != "privacy@corp.example" {
					t.Errorf("%s: forwarded notice %+v, want to the client's privacy contact", in.Type, fwd)
				}
				if told := e.sent.last(r.ID, requests.TemplateRouted); told == nil || told.Vars["client_name"] != "Corp Inc" {
					t.Errorf("%s: the person is not told the client handles it: %+v", in.Type, told)
				}
				if e.packages.built[r.ID] != 0 {
					t.Errorf("%s: the tenant answered a request its client controls", in.Type)
				}
			}
			// Without a client, the tenant answers its own data itself.
			own := e.subject(t, "US-CA", "own@corp.example")
			f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: own, Type: "access"})
			if err != nil {
				t.Fatal(err)
			}
			if f.Request.Status != privet.RequestInProgress || f.Request.ProcessorClient != "" {
				t.Errorf("an access request naming no client = %s to %q", f.Request.Status, f.Request.ProcessorClient)
			}
		})
	}
}

// TestFeeReasonAndEstimateComeFirst holds a request judged excessive for
// the policy's estimate: the person is told why and how much before any
// work, and nothing runs until they accept.
func TestFeeReasonAndEstimateComeFirst(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newEnvOn(t, engine, "pypeserver")
			ctx := context.Background()
			sub := e.subject(t, "US-WA", "many@example.com")
			f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "erasure"})
			if err != nil {
				t.Fatal(err)
			}
			id := f.Request.ID
			if f.Request.Status != privet.RequestAwaitingConfirm {
				t.Fatalf("status %s", f.Request.Status)
			}
			_, err = e.svc.Charge(ctx, e.actor, e.tenant, id, "because")
			wantCode(t, err, privet.EINVALID)
			_, err = e.svc.Charge(ctx, e.actor, "ten_other", id, requests.FeeExcessive)
			wantCode(t, err, privet.ENOTFOUND)
			r, err := e.svc.Charge(ctx, e.actor, e.tenant, id, requests.FeeExcessive)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != privet.RequestAwaitingFee || r.Fee == nil || r.Fee.Amount != "50.00 USD" || r.Fee.Reason != requests.FeeExcessive {
				t.Fatalf("charged: %s %+v", r.Status, r.Fee)
			}
			if got := e.get(t, id); got.Fee == nil || got.Fee.Reason != requests.FeeExcessive || got.Fee.Amount != "50.00 USD" {
				t.Fatalf("stored fee %+v", got.Fee)
			}
			_, err = e.svc.Charge(ctx, e.actor, e.tenant, id, requests.FeeExcessive)
			wantCode(t, err, privet.ECONFLICT)
			_, err = e.svc.Confirm(ctx, e.actor, e.tenant, id)
			wantCode(t, err, privet.ECONFLICT)
			e.drain(t)
			n := e.sent.last(id, requests.TemplateFee)
			if n == nil || n.Vars["fee"] != "50.00 USD" || !strings.Contains(n.Vars["fee_message"], "excessive") {
				t.Fatalf("fee notice %+v, want the estimate and the reason", n)
			}
			if names := e.fieldNames(t, sub); len(names) == 0 {
				t.Fatal("data erased before the fee was accepted")
			}
			// Accepted: the request goes back to where it stood, and runs once confirmed.
			if r, err = e.svc.AcceptFee(ctx, e.actor, e.tenant, id); err != nil || r.Status != privet.RequestAwaitingConfirm {
				t.Fatalf("after accepting: %v %v", r, err)
			}
			if _, err := e.svc.Confirm(ctx, e.actor, e.tenant, id); err != nil {
				t.Fatal(err)
			}
			e.drain(t)
			if got := e.get(t, id); got.Status != privet.RequestCompleted {
				t.Errorf("status %s after the fee and the confirmation", got.Status)
			}
			_, err = e.svc.Charge(ctx, e.actor, e.tenant, id, requests.FeeExcessive)
			wantCode(t, err, privet.ECONFLICT)
		})
	}
}

// TestRepetitiveCopyTellsReasonAndFee checks a copy beyond the free ones
// says why a fee applies, and a policy without excessive fees charges none.
func TestRepetitiveCopyTellsReasonAndFee(t *testing.T) {
	e := newEnv(t, "cooper")
	ctx := context.Background()
	sub := e.subject(t, "DE", "ada@example.com")
	if _, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "access"}); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	e.clock.Advance(day(1))
	f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "access"})
	if err != nil {
		t.Fatal(err)
	}
	if r := f.Request; r.Status != privet.RequestAwaitingFee || r.Fee.Reason != requests.FeeRepetitive {
		t.Fatalf("second copy: %s %+v", r.Status, r.Fee)
	}
	e.drain(t)
	if n := e.sent.last(f.Request.ID, requests.TemplateFee); n == nil || n.Vars["fee"] != "25.00 USD" || n.Vars["fee_reason"] != requests.FeeRepetitive {
		t.Errorf("fee notice %+v", n)
	}
	// CIPO Cloud's policy charges nothing: a request held for approval
	// cannot be charged.
	c := newEnv(t, "cipo-cloud")
	other := c.subject(t, "DE", "grace@example.com")
	g, err := c.svc.File(ctx, c.actor, c.tenant, requests.FileInput{SubjectID: other, Type: "erasure"})
	if err != nil || g.Request.Status != privet.RequestAwaitingApproval {
		t.Fatalf("erasure: %v %v", g, err)
	}
	_, err = c.svc.Charge(ctx, c.actor, c.tenant, g.Request.ID, requests.FeeExcessive)
	wantCode(t, err, privet.EINVALID)
	if got := c.get(t, g.Request.ID); got.Fee != nil || got.Status != privet.RequestAwaitingApproval {
		t.Errorf("a refused charge changed the request: %s %+v", got.Status, got.Fee)
	}
}

// TestPortabilitySentToAnotherController emails the download link to the
// controller the person names, tells the person, and audits it; bad
// receiving controllers are refused.
func TestPortabilitySentToAnotherController(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newEnvOn(t, engine, "cipo-cloud")
			ctx := context.Background()
			sub := e.subject(t, "DE", "mover@example.com")
			for _, bad := range []struct {
				in    requests.FileInput
				field string
			}{
				{requests.FileInput{SubjectID: sub, Type: "access", SendTo: &requests.Controller{Name: "Docs Ltd", Email: "dpo@docs.example"}}, "send_to"},
				{requests.FileInput{SubjectID: sub, Type: "portability", SendTo: &requests.Controller{Name: "Docs Ltd", Email: "https://docs.example/import"}}, "send_to.email"},
				{requests.FileInput{SubjectID: sub, Type: "portability", SendTo: &requests.Controller{Name: " ", Email: "dpo@docs.example"}}, "send_to.name"},
				{requests.FileInput{SubjectID: sub, Type: "portability", SendTo: &requests.Controller{Name: "Docs\nBcc: x", Email: "dpo@docs.example"}}, "send_to.name"},
			} {
				_, err := e.svc.File(ctx, e.actor, e.tenant, bad.in)
				if privet.ErrorCode(err) != privet.EINVALID || !strings.Contains(err.Error(), bad.field) {
					t.Errorf("%+v: %v, want EINVALID naming %s", bad.in.SendTo, err, bad.field)
				}
			}
			f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "portability",
				SendTo: &requests.Controller{Name: "Docs Ltd", Email: "DPO@Docs.example"}})
			if err != nil {
				t.Fatal(err)
			}
			e.drain(t)
			r := e.get(t, f.Request.ID)
			if r.Status != privet.RequestCompleted {
				t.Fatalf("status %s", r.Status)
			}
			sent := e.sent.last(r.ID, requests.TemplatePorted)
			if sent == nil || sent.Contact != "dpo@docs.example" || sent.ContactType != privet.IdentityEmail || sent.Vars["package_id"] != "pkg_"+r.ID {
				t.Fatalf("ported notice %+v, want the package to the controller's email", sent)
			}
			if done := e.sent.last(r.ID, requests.TemplateCompleted); done == nil || done.Vars["sent_to"] != "Docs Ltd" {
				t.Errorf("the person is not told where the data went: %+v", done)
			}
			if n := e.audited(t, sub, "request.send"); n != 1 {
				t.Errorf("%d request.send events, want 1", n)
			}
			if strings.Contains(string(r.Details), "docs.example") || strings.Contains(string(r.Details), "Docs Ltd") {
				t.Errorf("the details hold the receiving controller in the clear: %s", r.Details)
			}
			// Done: the sealed address is shredded with the final notice.
			if _, err := e.keys.DataKey(ctx, e.tenant, r.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
				t.Errorf("the request's key after completion: %v", err)
			}
		})
	}
}
