package retention_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/audit"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/retention"
	"github.com/privet-dev/privet/storetest"
)

// The cipo-cloud policy's rules over privet's own records: consent history
// 7y after closing, the audit log 7y after it was written (up to a signed
// checkpoint), closed requests anonymized 2y after closing, export packages
// deleted 30d after the request closed.

const marketing = "marketing.communications.email"

func (e *env) consent(subjectID, purpose string, state privet.ConsentState) *privet.ConsentEvent {
	e.t.Helper()
	e.clock.Advance(time.Minute)
	ev, err := e.svc.Consent.Record(context.Background(), admin, e.tenant, consent.RecordInput{
		Party: consent.Party{SubjectID: subjectID}, Purpose: purpose, State: state, Source: privet.SourceAPI})
	if err != nil {
		e.t.Fatal(err)
	}
	return ev
}

func (e *env) consentEvents(subjectID string) []*privet.ConsentEvent {
	e.t.Helper()
	var evs []*privet.ConsentEvent
	if err := e.svc.Store.View(context.Background(), func(tx privet.Tx) (err error) {
		evs, err = tx.ConsentEvents(context.Background(), e.tenant, privet.ConsentQuery{SubjectID: subjectID})
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return evs
}

// pkg stores an export package of the subject created now, readable a year.
func (e *env) pkg(subjectID string) string {
	e.t.Helper()
	ctx := context.Background()
	p := &privet.ExportPackage{TenantID: e.tenant, ID: privet.NewID("pkg"), SubjectID: subjectID, CreatedAt: e.clock.Now(),
		ExpiresAt: e.clock.Now().AddDate(1, 0, 0), WrappedKey: []byte("wrapped")}
	if err := e.svc.Store.Update(ctx, func(tx privet.Tx) error {
		if err := tx.CreatePackage(ctx, p); err != nil {
			return err
		}
		if err := tx.PutPackageChunk(ctx, e.tenant, p.ID, 0, []byte("ciphertext")); err != nil {
			return err
		}
		return tx.FinishPackage(ctx, e.tenant, p.ID, 10)
	}); err != nil {
		e.t.Fatal(err)
	}
	return p.ID
}

func (e *env) hasPackage(id string) bool {
	e.t.Helper()
	err := e.svc.Store.View(context.Background(), func(tx privet.Tx) error {
		_, err := tx.Package(context.Background(), e.tenant, id)
		return err
	})
	if err != nil && privet.ErrorCode(err) != privet.ENOTFOUND {
		e.t.Fatal(err)
	}
	return err == nil
}

// closedRequest stores an access request of the subject, completed now.
func (e *env) closedRequest(subjectID string) string {
	e.t.Helper()
	ctx := context.Background()
	now := e.clock.Now()
	id := privet.NewID("req")
	token := sha256.Sum256([]byte(id))
	r := &privet.Request{ID: id, TenantID: e.tenant, SubjectID: subjectID, Type: "access", Jurisdiction: "DE",
		Status: privet.RequestCompleted, Channel: "api", ReceivedAt: now.AddDate(0, 0, -10), DueAt: now.AddDate(0, 0, 20),
		CompletedAt: &now, Outcome: privet.OutcomeComplied, StatusTokenHash: token[:], ContactType: privet.IdentityEmail,
		SealedContact: []byte("sealed"), Details: []byte(`{"package":"pkg_1"}`), UpdatedAt: now}
	if err := e.svc.Store.Update(ctx, func(tx privet.Tx) error { return tx.CreateRequest(ctx, r) }); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) request(id string) *privet.Request {
	e.t.Helper()
	var r *privet.Request
	if err := e.svc.Store.View(context.Background(), func(tx privet.Tx) (err error) {
		r, err = tx.Request(context.Background(), e.tenant, id)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *env) verifyAudit() *audit.Report {
	e.t.Helper()
	r, err := e.svc.Audit.Verify(context.Background(), e.tenant)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func TestOwnRecordsSwept(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) { testOwnRecordsSwept(t, newEnvOn(t, engine)) })
	}
}

func testOwnRecordsSwept(t *testing.T, e *env) {
	ctx := context.Background()
	e.svc.Audit.Clock = e.clock
	start := e.clock.Now()

	ada := e.subject("ada@example.com")
	bob := e.subject("bob@example.com")
	e.consent(ada, marketing, privet.StateGiven)
	e.consent(ada, marketing, privet.StateWithdrawn)
	inForce := e.consent(ada, marketing, privet.StateGiven)
	e.consent(bob, marketing, privet.StateGiven)
	e.consent(bob, marketing, privet.StateWithdrawn)
	oldPkg, oldReq := e.pkg(ada), e.closedRequest(ada)
	if err := e.ret.Close(ctx, admin, e.tenant, ada); err != nil {
		t.Fatal(err)
	}
	anchor, err := e.svc.Audit.Checkpoint(ctx, e.tenant)
	if err != nil {
		t.Fatal(err)
	}

	// Seven years and a day later, the same day: a new package and request,
	// both within their periods; bob's data is under a legal hold.
	e.clock.Set(start.AddDate(7, 0, 1))
	newPkg, newReq := e.pkg(ada), e.closedRequest(ada)
	heldPkg := e.pkg(bob)
	e.clock.Advance(time.Minute)
	hold, err := e.ret.PlaceHold(ctx, admin, e.tenant, retention.HoldInput{SubjectID: bob, Reason: "case 12"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	yearRep, err := e.svc.Requests.Report(ctx, e.tenant, start.AddDate(-1, 0, 0), e.clock.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}

	plan, err := e.ret.PlanRecords(ctx, e.tenant)
	if err != nil {
		t.Fatal(err)
	}
	planned := map[string]int64{}
	for _, p := range plan {
		if !p.Visitors { // visitors' consent events: see visitors_test.go
			planned[p.Record] = p.Due
		}
	}
	// The held subject's package is not counted; the audit chain is held
	// from bob's first event on.
	if planned[privet.RecordExportPackages] != 1 || planned[privet.RecordClosedRequests] != 1 || planned[privet.RecordAuditEvents] != 0 || len(plan) != 4 {
		t.Fatalf("PlanRecords = %+v", plan)
	}

	rep := e.sweep()

	// Consent: ada's replaced choices are gone, the one in force stays (her
	// account was erased by then; the proof of her last choice outlives it).
	if evs := e.consentEvents(ada); len(evs) != 1 || evs[0].ID != inForce.ID {
		t.Fatalf("ada's consent events after the sweep = %d, want only the choice in force", len(evs))
	}
	if e.events(ada, "retention.delete") != 2 { // her erasure and her consent history
		t.Errorf("ada's retention events = %d, want her erasure and her consent history", e.events(ada, "retention.delete"))
	}
	// Bob's account is not closed: his history is not due.
	if evs := e.consentEvents(bob); len(evs) != 2 {
		t.Errorf("bob's consent events = %d, want 2", len(evs))
	}

	// Packages: the old one is gone, the new and the held ones stay.
	if e.hasPackage(oldPkg) || !e.hasPackage(newPkg) || !e.hasPackage(heldPkg) {
		t.Errorf("packages old/new/held = %v/%v/%v, want false/true/true", e.hasPackage(oldPkg), e.hasPackage(newPkg), e.hasPackage(heldPkg))
	}

	// Requests: the old one is anonymized and still counted.
	if r := e.request(oldReq); r.SubjectID != "" || r.SealedContact != nil || r.Details != nil || r.Outcome != privet.OutcomeComplied || r.CompletedAt == nil {
		t.Errorf("old request = %+v, want anonymized with its outcome and times", r)
	}
	if r := e.request(newReq); r.SubjectID != ada || r.SealedContact == nil {
		t.Errorf("new request was touched: %+v", r)
	}
	after, err := e.svc.Requests.Report(ctx, e.tenant, start.AddDate(-1, 0, 0), e.clock.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Types) != 1 || !reflect.DeepEqual(after.Types, yearRep.Types) || after.Types[0].CompliedWhole != 2 {
		t.Errorf("report after the sweep = %+v, want as before %+v", after.Types, yearRep.Types)
	}

	// Audit: bob's hold keeps the chain from his first event on, so nothing
	// of it goes while the hold lasts.
	if v := e.verifyAudit(); !v.OK || v.FirstSeq != 0 {
		t.Fatalf("verify = %+v, want the whole chain", v)
	}
	counts := map[string]int{}
	for _, r := range rep.Records {
		counts[r.Record] = r.Count
	}
	want := map[string]int{privet.RecordConsentEvents: 2, privet.RecordExportPackages: 1, privet.RecordClosedRequests: 1, privet.RecordAuditEvents: 0}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("report %s = %d, want %d (%+v)", k, counts[k], n, rep.Records)
		}
	}

	// Once the hold ends, everything up to the checkpoint goes; the chain
	// verifies from the anchor, and the prune is announced with its range.
	e.clock.Advance(time.Minute)
	if _, err := e.ret.ReleaseHold(ctx, admin, e.tenant, hold.ID); err != nil {
		t.Fatal(err)
	}
	rep = e.sweep()
	if len(rep.Records) != 1 || rep.Records[0].Record != privet.RecordAuditEvents || rep.Records[0].Count != int(anchor.Seq) {
		t.Errorf("sweep after the hold = %+v, want %d audit events deleted", rep.Records, anchor.Seq)
	}
	v := e.verifyAudit()
	if !v.OK || v.FirstSeq != anchor.Seq+1 {
		t.Fatalf("verify = %+v, want OK from event %d", v, anchor.Seq+1)
	}
	prunes, err := e.svc.Audit.Events(ctx, e.tenant, privet.AuditQuery{Action: audit.PruneAction})
	if err != nil {
		t.Fatal(err)
	}
	if len(prunes) != 1 || prunes[0].Reason != audit.PruneReason(1, anchor.Seq, "audit_log") {
		t.Fatalf("prune events = %+v", prunes)
	}

	// Another sweep finds nothing more and announces nothing again.
	if rep := e.sweep(); len(rep.Records) != 0 {
		t.Errorf("last sweep = %+v, want nothing", rep.Records)
	}
	if prunes, _ := e.svc.Audit.Events(ctx, e.tenant, privet.AuditQuery{Action: audit.PruneAction}); len(prunes) != 1 {
		t.Errorf("prune events after a second sweep = %d, want 1", len(prunes))
	}
	if !e.verifyAudit().OK {
		t.Error("the chain no longer verifies after a second sweep")
	}
}

// crashingStore cancels the sweep's context after its nth committed write,
// so the next write fails as if the process had died there.
type crashingStore struct {
	privet.Store
	n, after int
	cancel   func()
}

func (c *crashingStore) Update(ctx context.Context, fn func(tx privet.Tx) error) error {
	err := c.Store.Update(ctx, fn)
	if c.n++; c.n == c.after {
		c.cancel()
	}
	return err
}

// TestCrashMidRecordSweepResumes cuts a sweep short while it prunes the audit
// chain: the chain still verifies (the prune is announced before anything
// goes), and the next sweep finishes the prune and the packages without
// announcing it twice.
func TestCrashMidRecordSweepResumes(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) { testCrashMidRecordSweepResumes(t, newEnvOn(t, engine)) })
	}
}

func testCrashMidRecordSweepResumes(t *testing.T, e *env) {
	ctx := context.Background()
	e.svc.Audit.Clock = e.clock
	start := e.clock.Now()
	var pkgs []string
	for i := range 10 {
		e.clock.Advance(time.Minute)
		id := e.subject(string(rune('a'+i)) + "@example.com")
		if i < 5 {
			pkgs = append(pkgs, e.pkg(id))
		}
	}
	anchor, err := e.svc.Audit.Checkpoint(ctx, e.tenant)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Set(start.AddDate(7, 0, 2))

	crash, cancel := context.WithCancel(ctx)
	e.ret.Batch = 2
	e.ret.Store = &crashingStore{Store: e.svc.Store, after: 3, cancel: cancel}
	if rep, err := e.ret.Sweep(crash, e.clock.Now()); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sweep = %+v, %v; want it cancelled", rep, err)
	}
	e.ret.Store = e.svc.Store
	if v := e.verifyAudit(); !v.OK || v.FirstSeq != 7 {
		t.Fatalf("verify after the crash = %+v, want OK from event 7", v)
	}

	e.sweep()
	if v := e.verifyAudit(); !v.OK || v.FirstSeq != anchor.Seq+1 {
		t.Fatalf("verify after the rerun = %+v, want OK from event %d", v, anchor.Seq+1)
	}
	prunes, err := e.svc.Audit.Events(ctx, e.tenant, privet.AuditQuery{Action: audit.PruneAction})
	if err != nil {
		t.Fatal(err)
	}
	if len(prunes) != 1 {
		t.Errorf("prune events = %d, want 1", len(prunes))
	}
	for _, id := range pkgs {
		if e.hasPackage(id) {
			t.Errorf("package %s survived", id)
		}
	}
}
