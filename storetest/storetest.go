// Package storetest is the one conformance suite every privet.Store and
// privet.DataKeyStore must pass. Each engine's tests call Run with a function
// that opens a fresh, migrated, empty store; the suite then checks every
// interface method, its error codes, tenant isolation and behaviour under
// concurrency, so the engines cannot drift apart.
package storetest

import (
	"context"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/privet-dev/privet"
)

// OpenFunc opens a fresh, migrated, empty store and key store; it registers
// their cleanup with t.
type OpenFunc func(t *testing.T) (privet.Store, privet.DataKeyStore)

// JobCounter is the test hook a store offers so the suite can see whether an
// enqueued job committed.
type JobCounter interface {
	JobCount(ctx context.Context, kind string) (int, error)
}

// Run runs the whole suite against the engine open returns.
func Run(t *testing.T, open OpenFunc) {
	t.Run("Tenants", func(t *testing.T) { testTenants(t, open) })
	t.Run("APIKeys", func(t *testing.T) { testAPIKeys(t, open) })
	t.Run("SubjectCRUD", func(t *testing.T) { testSubjectCRUD(t, open) })
	t.Run("SubjectByIdentity", func(t *testing.T) { testSubjectByIdentity(t, open) })
	t.Run("SubjectNotFound", func(t *testing.T) { testSubjectNotFound(t, open) })
	t.Run("SubjectList", func(t *testing.T) { testSubjectList(t, open) })
	t.Run("IdentityConflict", func(t *testing.T) { testIdentityConflict(t, open) })
	t.Run("CreateManyRows", func(t *testing.T) { testCreateManyRows(t, open) })
	t.Run("IdentityConflictConcurrent", func(t *testing.T) { testIdentityConflictConcurrent(t, open) })
	t.Run("SubjectConcurrentChanges", func(t *testing.T) { testSubjectConcurrentChanges(t, open) })
	t.Run("Erase", func(t *testing.T) { testErase(t, open) })
	t.Run("TenantIsolation", func(t *testing.T) { testTenantIsolation(t, open) })
	t.Run("AuditChain", func(t *testing.T) { testAuditChain(t, open) })
	t.Run("AuditBatch", func(t *testing.T) { testAuditBatch(t, open) })
	t.Run("AuditQuery", func(t *testing.T) { testAuditQuery(t, open) })
	t.Run("ConsentLedger", func(t *testing.T) { testConsentLedger(t, open) })
	t.Run("LiveConsent", func(t *testing.T) { testLiveConsent(t, open) })
	t.Run("Packages", func(t *testing.T) { testPackages(t, open) })
	t.Run("ExpiredPackages", func(t *testing.T) { testExpiredPackages(t, open) })
	t.Run("RequestRoundTrip", func(t *testing.T) { testRequestRoundTrip(t, open) })
	t.Run("RequestOpenUnique", func(t *testing.T) { testRequestOpenUnique(t, open) })
	t.Run("RequestList", func(t *testing.T) { testRequestList(t, open) })
	t.Run("RequestDueCounts", func(t *testing.T) { testRequestDueCounts(t, open) })
	t.Run("Incidents", func(t *testing.T) { testIncidents(t, open) })
	t.Run("IncidentAffected", func(t *testing.T) { testIncidentAffected(t, open) })
	t.Run("PolicyVersions", func(t *testing.T) { testPolicyVersions(t, open) })
	t.Run("Checkpoints", func(t *testing.T) { testCheckpoints(t, open) })
	t.Run("Complaints", func(t *testing.T) { testComplaints(t, open) })
	t.Run("AuthorityDisclosures", func(t *testing.T) { testAuthorityDisclosures(t, open) })
	t.Run("ProcessorEnds", func(t *testing.T) { testProcessorEnds(t, open) })
	t.Run("UpdateErrorRollsBack", func(t *testing.T) { testUpdateErrorRollsBack(t, open) })
	t.Run("UpdatePanic", func(t *testing.T) { testUpdatePanic(t, open) })
	t.Run("ConcurrentUpdates", func(t *testing.T) { testConcurrentUpdates(t, open) })
	t.Run("BatchedFailures", func(t *testing.T) { testBatchedFailures(t, open) })
	t.Run("ViewRejectsWrites", func(t *testing.T) { testViewRejectsWrites(t, open) })
	t.Run("Enqueue", func(t *testing.T) { testEnqueue(t, open) })
	t.Run("DataKeys", func(t *testing.T) { testDataKeys(t, open) })
	t.Run("DataKeyRotation", func(t *testing.T) { testDataKeyRotation(t, open) })
	t.Run("Holds", func(t *testing.T) { testHolds(t, open) })
	t.Run("RetentionSchedule", func(t *testing.T) { testRetentionSchedule(t, open) })
	t.Run("RetentionBatches", func(t *testing.T) { testRetentionBatches(t, open) })
	t.Run("RetentionRecords", func(t *testing.T) { testRetentionRecords(t, open) })
	t.Run("VisitorConsentRetention", func(t *testing.T) { testVisitorConsentRetention(t, open) })
	t.Run("DataKeyBatches", func(t *testing.T) { testDataKeyBatches(t, open) })
}

// now is a time with whole microseconds: the precision every engine keeps.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func update(t testing.TB, st privet.Store, fn func(tx privet.Tx) error) {
	t.Helper()
	if err := st.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t testing.TB, st privet.Store, fn func(tx privet.Tx) error) {
	t.Helper()
	if err := st.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// newTenant creates and returns a tenant.
func newTenant(t testing.TB, st privet.Store) *privet.Tenant {
	t.Helper()
	tn := &privet.Tenant{
		ID: privet.NewID(privet.PrefixTenant), Name: "Acme", CreatedAt: now(),
		SigningKey: randomBytes(32), SigningPublicKey: randomBytes(32),
	}
	update(t, st, func(tx privet.Tx) error { return tx.CreateTenant(context.Background(), tn) })
	return tn
}

// newSubject returns an unsaved subject of the tenant with an email identity
// and one field.
func newSubject(tenantID string) *privet.Subject {
	at := now()
	return &privet.Subject{
		ID: privet.NewID(privet.PrefixSubject), TenantID: tenantID, Jurisdiction: "DE",
		Status: privet.StatusActive, AgeBand: "adult", SealedBirthDate: randomBytes(20),
		CreatedAt: at, UpdatedAt: at, LastActivityAt: at,
		Identities: []privet.Identity{{Type: privet.IdentityEmail, Index: randomBytes(32), Sealed: randomBytes(40)}},
		Fields:     []privet.Field{{Name: "email", Category: "user.contact.email", Sealed: randomBytes(40), UpdatedAt: at}},
	}
}

func createSubject(t testing.TB, st privet.Store, s *privet.Subject) {
	t.Helper()
	update(t, st, func(tx privet.Tx) error { return tx.CreateSubject(context.Background(), s) })
}

// wantCode fails unless err carries the code.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := privet.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// wantNotFound fails unless err is ENOTFOUND and matches privet.ErrNotFound.
func wantNotFound(t testing.TB, err error) {
	t.Helper()
	wantCode(t, err, privet.ENOTFOUND)
	if !errors.Is(err, privet.ErrNotFound) {
		t.Fatalf("errors.Is(%v, ErrNotFound) = false", err)
	}
}

// errSentinel is returned by update functions that must roll back.
var errSentinel = privet.Errorf(privet.EINVALID, "rolled back on purpose")
