package requests_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/vault"
)

func day(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

func TestDeadlines(t *testing.T) {
	e := newEnv(t, "pypeserver")
	for _, tc := range []struct {
		place, typ string
		due        time.Time
		receipt    time.Time // zero: none required
	}{
		// PIPEDA s.8(3): 30 days.
		{"CA", "access", start.Add(day(30)), time.Time{}},
		// CCPA: 45 days, receipt confirmed within 10 business days.
		{"US-CA", "access", start.Add(day(45)), start.Add(day(14))},
		// Opt-outs: 15 business days, no receipt confirmation.
		{"US-CA", "opt_out_sale", start.Add(day(21)), time.Time{}},
		// GDPR: one calendar month.
		{"DE", "erasure", time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC), time.Time{}},
		// The policy's promise (10 business days) is stricter than PIPEDA's 30 days.
		{"CA", "withdraw_consent", start.Add(day(14)), time.Time{}},
	} {
		t.Run(tc.place+"/"+tc.typ, func(t *testing.T) {
			due, receipt := requests.Deadlines(e.pol, tc.place, tc.typ, start)
			if !due.Equal(tc.due) {
				t.Errorf("due %v, want %v", due, tc.due)
			}
			if (receipt == nil) != tc.receipt.IsZero() || (receipt != nil && !receipt.Equal(tc.receipt)) {
				t.Errorf("receipt due %v, want %v", receipt, tc.receipt)
			}
		})
	}
}

func TestFileAccessRunsOnceAndDuplicatesReturnTheFirst(t *testing.T) {
	e := newEnv(t, "pypeserver")
	ctx := context.Background()
	sub := e.subject(t, "US-CA", "ada@example.com")
	first, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "access"})
	if err != nil {
		t.Fatal(err)
	}
	r := first.Request
	if r.Status != privet.RequestInProgress || !r.DueAt.Equal(start.Add(day(45))) || r.ReceiptDueAt == nil || first.StatusToken == "" {
		t.Fatalf("filed %+v", r)
	}
	again, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "access"})
	if err != nil || again.Request.ID != r.ID || again.StatusToken != first.StatusToken {
		t.Fatalf("second open request: %v, %v; want the first back", again, err)
	}
	e.drain(t)
	// A rerun after completion (a job delivered twice) does nothing more.
	if err := e.svc.Execute(ctx, e.tenant, r.ID); err != nil {
		t.Fatal(err)
	}
	got := e.get(t, r.ID)
	if got.Status != privet.RequestCompleted || got.Outcome != privet.OutcomeComplied || got.CompletedAt == nil {
		t.Fatalf("after execution %+v", got)
	}
	if n := e.packages.built[r.ID]; n != 1 {
		t.Errorf("package built %d times, want once", n)
	}
	if got := e.sent.templates(r.ID); !slices.Equal(got, []string{requests.TemplateReceived, requests.TemplateCompleted}) {
		t.Errorf("notices %v", got)
	}
	if n := e.sent.last(r.ID, requests.TemplateCompleted); n.Vars["package_id"] != "pkg_"+r.ID || n.SubjectID != sub {
		t.Errorf("completion notice %+v", n)
	}
	// Once closed, a new request of the type may be filed.
	next, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "access"})
	if err != nil || next.Request.ID == r.ID {
		t.Fatalf("new request after the first closed: %v, %v", next, err)
	}
	// Another tenant sees none of it.
	if _, err := e.svc.Get(ctx, e.newTenant(t), r.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Errorf("other tenant: %v", err)
	}
}

func TestUnavailableAndBadInput(t *testing.T) {
	e := newEnv(t, "cipo-cloud")
	ctx := context.Background()
	sub := e.subject(t, "US-NY", "ada@example.com")
	for _, tc := range []struct {
		name  string
		in    requests.FileInput
		field string
	}{
		{"type the law and policy do not give", requests.FileInput{SubjectID: sub, Type: "opt_out_sale"}, "type"},
		{"unknown type", requests.FileInput{SubjectID: sub, Type: "teleport"}, "type"},
		{"bad place", requests.FileInput{SubjectID: sub, Type: "access", Jurisdiction: "california"}, "jurisdiction"},
		{"rectification without corrections", requests.FileInput{SubjectID: sub, Type: "rectification"}, "corrections"},
		{"unknown purpose", requests.FileInput{SubjectID: sub, Type: "access", Purposes: []string{"nope"}}, "purposes[0]"},
		{"no subject", requests.FileInput{Type: "access"}, "subject_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.File(ctx, e.actor, e.tenant, tc.in)
			wantCode(t, err, privet.EINVALID)
			if f := privet.ErrorField(err); f != tc.field {
				t.Errorf("field %q, want %q", f, tc.field)
			}
		})
	}
	_, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "opt_out_sale"})
	if msg := privet.ErrorMessage(err); !strings.Contains(msg, "access") || !strings.Contains(msg, "erasure") {
		t.Errorf("the 422 does not list the available types: %q", msg)
	}
	_, err = e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: "sub_missing", Type: "access"})
	wantCode(t, err, privet.ENOTFOUND)
	for _, id := range []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "not-an-email"}, {Type: privet.IdentityCookieID, Value: "abc"}} {
		_, err := e.svc.FilePublic(ctx, e.tenant, requests.PublicInput{Type: "access", Jurisdiction: "DE", Identity: id})
		wantCode(t, err, privet.EINVALID)
		if f := privet.ErrorField(err); !strings.HasPrefix(f, "identity.") || strings.Contains(privet.ErrorMessage(err), id.Value) {
			t.Errorf("field %q message %q", f, privet.ErrorMessage(err))
		}
	}
	var n int
	_ = e.store.View(ctx, func(tx privet.Tx) (err error) {
		n, err = tx.CountRequests(ctx, e.tenant, privet.RequestFilter{})
		return err
	})
	if n != 0 {
		t.Errorf("bad input left %d requests", n)
	}
}

// public files a public request and returns it, its token and the code
// the person received.
func (e *env) public(t testing.TB, in requests.PublicInput) (*privet.Request, string, string) {
	t.Helper()
	f, err := e.svc.FilePublic(context.Background(), e.tenant, in)
	if err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	n := e.sent.last(f.Request.ID, requests.TemplateVerify)
	if n == nil || len(n.Vars["code"]) != 6 {
		t.Fatalf("no code sent: %+v", n)
	}
	return f.Request, f.StatusToken, n.Vars["code"]
}

func TestPublicRequestKnownAndUnknownLookAlike(t *testing.T) {
	e := newEnv(t, "pypeserver")
	ctx := context.Background()
	sub := e.subject(t, "DE", "ada@example.com")
	known, knownToken, knownCode := e.public(t, requests.PublicInput{Type: "access", Jurisdiction: "DE",
		Identity: vault.IdentityInput{Type: privet.IdentityEmail, Value: " Ada@Example.com"}})
	unknown, unknownToken, unknownCode := e.public(t, requests.PublicInput{Type: "access", Jurisdiction: "DE",
		Identity: vault.IdentityInput{Type: privet.IdentityEmail, Value: "nobody@example.com"}})

	for _, r := range []*privet.Request{known, unknown} {
		if r.Status != privet.RequestPendingVerification || r.SubjectID != "" || len(r.SealedContact) == 0 {
			t.Fatalf("filed %+v", r)
		}
		if got := e.sent.last(r.ID, requests.TemplateVerify); got.Contact == "" || got.ContactType != privet.IdentityEmail {
			t.Errorf("verify notice has no contact: %+v", got)
		}
		// Nothing personal rests in the request row.
		stored := e.get(t, r.ID)
		if strings.Contains(string(stored.SealedContact), "example.com") || strings.Contains(string(stored.Details), "example.com") {
			t.Error("the contact is stored in the clear")
		}
	}
	sk, err := e.svc.Status(ctx, knownToken)
	if err != nil {
		t.Fatal(err)
	}
	su, err := e.svc.Status(ctx, unknownToken)
	if err != nil {
		t.Fatal(err)
	}
	if sk.Status != su.Status || sk.Outcome != su.Outcome {
		t.Errorf("status links differ before verification: %+v %+v", sk, su)
	}

	vk, err := e.svc.Verify(ctx, knownToken, knownCode)
	if err != nil {
		t.Fatal(err)
	}
	vu, err := e.svc.Verify(ctx, unknownToken, unknownCode)
	if err != nil {
		t.Fatal(err)
	}
	if vk.Status != vu.Status || vk.Status != privet.RequestInProgress {
		t.Errorf("verified statuses differ: %s %s", vk.Status, vu.Status)
	}
	e.drain(t)
	k, u := e.get(t, known.ID), e.get(t, unknown.ID)
	if k.SubjectID != sub || k.Outcome != privet.OutcomeComplied || k.Verification.Level != requests.LevelCode {
		t.Errorf("known: %+v", k)
	}
	if u.SubjectID != "" || u.Outcome != privet.OutcomeNoData || u.Status != privet.RequestCompleted {
		t.Errorf("unknown: %+v", u)
	}
	// The final notice went out, then the contact was crypto-shredded.
	if _, err := e.keys.DataKey(ctx, e.tenant, known.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Errorf("request key after the final notice: %v", err)
	}
	// A replayed code is refused, the request untouched.
	_, err = e.svc.Verify(ctx, knownToken, knownCode)
	wantCode(t, err, privet.ECONFLICT)
	if again := e.get(t, known.ID); !again.UpdatedAt.Equal(k.UpdatedAt) {
		t.Error("a replayed code changed the request")
	}
}

func TestCodeAttemptsExpiryAndTampering(t *testing.T) {
	e := newEnv(t, "pypeserver")
	ctx := context.Background()
	in := requests.PublicInput{Type: "erasure", Jurisdiction: "DE", Identity: vault.IdentityInput{Type: privet.IdentityPhone, Value: "+49 30 901820"}}
	r, token, code := e.public(t, in)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}

	// Malformed codes and tampered tokens: an error, nothing counted.
	for _, c := range []string{"", "12345", "1234567", "abcdef", "12 456"} {
		_, err := e.svc.Verify(ctx, token, c)
		wantCode(t, err, privet.EINVALID)
	}
	tampered := token[:len(token)-1] + string("AB"[strings.IndexByte("AB", token[len(token)-1])+1&1])
	_, err := e.svc.Verify(ctx, tampered, code)
	wantCode(t, err, privet.ENOTFOUND)
	_, err = e.svc.Status(ctx, tampered)
	wantCode(t, err, privet.ENOTFOUND)
	if got := e.get(t, r.ID); got.Verification.Attempts != 0 {
		t.Fatalf("attempts %d after malformed input", got.Verification.Attempts)
	}

	// An expired code is refused; a new one works.
	e.clock.Advance(requests.CodeLifetime)
	_, err = e.svc.Verify(ctx, token, code)
	wantCode(t, err, privet.EINVALID)
	if err := e.svc.SendCode(ctx, token); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	code = e.sent.last(r.ID, requests.TemplateVerify).Vars["code"]

	// Four wrong codes count; the fifth locks, and then even the right one fails.
	for i := 1; i < requests.MaxAttempts; i++ {
		_, err := e.svc.Verify(ctx, token, wrong)
		wantCode(t, err, privet.EINVALID)
		if got := e.get(t, r.ID); got.Verification.Attempts != i {
			t.Fatalf("attempts %d, want %d", got.Verification.Attempts, i)
		}
	}
	_, err = e.svc.Verify(ctx, token, wrong)
	wantCode(t, err, privet.ERATELIMIT)
	_, err = e.svc.Verify(ctx, token, code)
	wantCode(t, err, privet.ERATELIMIT)
	if got := e.get(t, r.ID); !got.Verification.Locked || got.Status != privet.RequestPendingVerification {
		t.Fatalf("after five wrong codes: %+v", got.Verification)
	}

	// Never verified, it expires and says so.
	e.clock.Advance(requests.UnverifiedLifetime)
	n, err := e.svc.ExpireUnverified(ctx)
	if err != nil || n != 1 {
		t.Fatalf("expired %d, %v", n, err)
	}
	e.drain(t)
	if got := e.get(t, r.ID); got.Status != privet.RequestExpired || got.Outcome != privet.OutcomeExpired {
		t.Errorf("after expiry: %s %s", got.Status, got.Outcome)
	}
	if got := e.sent.templates(r.ID); got[len(got)-1] != requests.TemplateExpired {
		t.Errorf("notices %v", got)
	}
}

func TestCaliforniaSpecificPiecesNeedThreePoints(t *testing.T) {
	e := newEnv(t, "pypeserver")
	ctx := context.Background()
	sub := e.subject(t, "US-CA", "ada@example.com")
	email := vault.IdentityInput{Type: privet.IdentityEmail, Value: "ada@example.com"}

	// One point (the code): categories only.
	r, token, code := e.public(t, requests.PublicInput{Type: "access", Jurisdiction: "US-CA", Identity: email})
	if _, err := e.svc.Verify(ctx, token, code); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	got := e.get(t, r.ID)
	if got.Outcome != privet.OutcomeCompliedInPart || e.packages.built[r.ID] != 0 || got.Verification.Points != 1 {
		t.Fatalf("one point: outcome %s, packages %d, points %d", got.Outcome, e.packages.built[r.ID], got.Verification.Points)
	}
	if !strings.Contains(string(got.Details), `"category":"user.name"`) {
		t.Errorf("no categories report: %s", got.Details)
	}

	// The code and a matching phone make two points; a phone that is not
	// the subject's counts for nothing. Two are not enough for the pieces.
	e.clock.Advance(day(1))
	r, token, code = e.public(t, requests.PublicInput{Type: "access", Jurisdiction: "US-CA", Identity: email,
		Points: []vault.IdentityInput{{Type: privet.IdentityPhone, Value: "+1 415 555 0100"}, {Type: privet.IdentityPhone, Value: "+1 415 555 0199"}}})
	if _, err := e.svc.Verify(ctx, token, code); err != nil {
		t.Fatal(err)
	}
	if got := e.get(t, r.ID); got.Verification.Points != 2 || got.Verification.Level != requests.LevelPoints {
		t.Fatalf("points %d level %s, want 2 code+points", got.Verification.Points, got.Verification.Level)
	}
	e.drain(t)
	if e.packages.built[r.ID] != 0 {
		t.Error("specific pieces released on two points")
	}
	if got := e.get(t, r.ID); got.SubjectID != sub {
		t.Errorf("matched %q, want %q", got.SubjectID, sub)
	}
}

func TestRepeatLimitCalifornia(t *testing.T) {
	e := newEnv(t, "pypeserver")
	ctx := context.Background()
	sub := e.subject(t, "US-CA", "ada@example.com")
	for i := range 3 {
		f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "know"})
		if err != nil {
			t.Fatal(err)
		}
		e.drain(t)
		got := e.get(t, f.Request.ID)
		want := privet.OutcomeComplied
		if i == 2 {
			want = privet.OutcomeDenied
		}
		if got.Outcome != want {
			t.Fatalf("request %d: outcome %s (%s), want %s", i+1, got.Outcome, got.DenyReason, want)
		}
		if i == 2 {
			if got.DenyReason != requests.DenyRepeatLimit {
				t.Errorf("deny reason %q", got.DenyReason)
			}
			n := e.sent.last(got.ID, requests.TemplateDenied)
			if n == nil || n.Vars["complaint"] == "" || n.Vars["deny_message"] == "" {
				t.Errorf("denial notice %+v", n)
			}
		}
		e.clock.Advance(day(30))
	}
	// A year after the first, the window has room again.
	e.clock.Set(start.AddDate(1, 0, 1))
	f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "know"})
	if err != nil || f.Request.Status != privet.RequestInProgress {
		t.Fatalf("after a year: %+v, %v", f, err)
	}
}

func TestFeeAfterTheFreeCopy(t *testing.T) {
	e := newEnv(t, "cooper")
	ctx := context.Background()
	sub := e.subject(t, "DE", "ada@example.com")
	first, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "access"})
	if err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	if got := e.get(t, first.Request.ID); got.Fee != nil || got.Outcome != privet.OutcomeComplied {
		t.Fatalf("first copy: %+v", got)
	}
	e.clock.Advance(day(10))
	second, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "access"})
	if err != nil {
		t.Fatal(err)
	}
	r := second.Request
	if r.Status != privet.RequestAwaitingFee || r.Fee == nil || r.Fee.Amount != "25.00 USD" {
		t.Fatalf("second copy: %+v", r)
	}
	e.drain(t)
	if e.packages.built[r.ID] != 0 {
		t.Fatal("built before the fee was accepted")
	}
	if _, err := e.svc.AcceptFee(ctx, e.actor, e.tenant, r.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.AcceptFee(ctx, e.actor, e.tenant, r.ID)
	wantCode(t, err, privet.ECONFLICT)
	e.drain(t)
	if got := e.get(t, r.ID); got.Outcome != privet.OutcomeComplied || got.Fee.AcceptedAt == nil || e.packages.built[r.ID] != 1 {
		t.Fatalf("after accepting the fee: %+v", got)
	}
}

func TestExtendAndPause(t *testing.T) {
	e := newEnv(t, "pypeserver")
	ctx := context.Background()
	sub := e.subject(t, "CA", "ada@example.com")
	// Rectification needs no approval here, so hold it by asking for information.
	f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "access", Jurisdiction: "CA"})
	if err != nil {
		t.Fatal(err)
	}
	r := f.Request
	_, err = e.svc.Extend(ctx, e.actor, e.tenant, r.ID, "")
	wantCode(t, err, privet.EINVALID)
	got, err := e.svc.Extend(ctx, e.actor, e.tenant, r.ID, "records in several systems")
	if err != nil {
		t.Fatal(err)
	}
	if want := start.Add(day(60)); !got.DueAt.Equal(want) || got.ExtendedTo == nil {
		t.Errorf("extended to %v, want %v (PIPEDA: 30 more days)", got.DueAt, want)
	}
	_, err = e.svc.Extend(ctx, e.actor, e.tenant, r.ID, "again")
	wantCode(t, err, privet.ECONFLICT)
	e.drain(t)
	if n := e.sent.last(r.ID, requests.TemplateExtended); n == nil || n.Vars["extension_reason"] == "" {
		t.Errorf("extension notice %+v", n)
	}

}

func TestPauseWhileWaitingForInformation(t *testing.T) {
	e := newEnv(t, "cipo-cloud")
	ctx := context.Background()
	// GDPR pauses the clock while waiting for information; California does not.
	for _, tc := range []struct {
		place  string
		paused bool
	}{{"DE", true}, {"US-CA", false}} {
		t.Run(tc.place, func(t *testing.T) {
			s := e.subject(t, tc.place, strings.ToLower(tc.place)+"@example.com")
			f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: s, Type: "erasure"})
			if err != nil {
				t.Fatal(err)
			}
			r := f.Request
			if r.Status != privet.RequestAwaitingApproval {
				t.Fatalf("status %s, want awaiting approval (the policy asks for it)", r.Status)
			}
			waiting, err := e.svc.AwaitInfo(ctx, e.actor, e.tenant, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if waiting.Status != privet.RequestAwaitingInfo || (waiting.PausedAt != nil) != tc.paused {
				t.Fatalf("waiting: %s paused at %v", waiting.Status, waiting.PausedAt)
			}
			e.clock.Advance(day(5))
			resumed, err := e.svc.Resume(ctx, e.actor, e.tenant, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := r.DueAt
			if tc.paused {
				want = want.Add(day(5))
			}
			if resumed.Status != privet.RequestAwaitingApproval || !resumed.DueAt.Equal(want) || resumed.PausedAt != nil {
				t.Errorf("resumed: %s due %v (want %v)", resumed.Status, resumed.DueAt, want)
			}
			_, err = e.svc.Resume(ctx, e.actor, e.tenant, r.ID)
			wantCode(t, err, privet.ECONFLICT)
		})
	}
}
