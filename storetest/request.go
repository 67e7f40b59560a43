package storetest

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/privet-dev/privet"
)

// newRequest returns an unsaved open access request of the subject, due in
// days days.
func newRequest(tenantID, subjectID string, days int) *privet.Request {
	at := now()
	return &privet.Request{
		ID: privet.NewID(privet.PrefixRequest), TenantID: tenantID, SubjectID: subjectID, Type: "access",
		Jurisdiction: "US-CA", Status: privet.RequestOpen, Channel: privet.ChannelAPI,
		ReceivedAt: at, DueAt: at.AddDate(0, 0, days), StatusTokenHash: randomBytes(32), UpdatedAt: at,
		Verification: privet.RequestVerification{Level: "app"},
	}
}

func createRequest(t testing.TB, st privet.Store, r *privet.Request) {
	t.Helper()
	update(t, st, func(tx privet.Tx) error { return tx.CreateRequest(context.Background(), r) })
}

func readRequest(t testing.TB, st privet.Store, tenantID, id string) *privet.Request {
	t.Helper()
	var r *privet.Request
	view(t, st, func(tx privet.Tx) (err error) {
		r, err = tx.Request(context.Background(), tenantID, id)
		return err
	})
	return r
}

func testRequestRoundTrip(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	sub := newSubject(tn.ID)
	createSubject(t, st, sub)

	// A public request: no subject yet, a sealed contact and a code.
	at := now()
	expires, paused := at.Add(15*time.Minute), at.Add(time.Hour)
	pub := newRequest(tn.ID, "", 45)
	pub.Status, pub.Channel, pub.ContactType, pub.SealedContact = privet.RequestPendingVerification, privet.ChannelPublic, privet.IdentityEmail, randomBytes(40)
	pub.Verification = privet.RequestVerification{CodeHash: randomBytes(48), ExpiresAt: &expires, Attempts: 2}
	pub.ReceiptDueAt, pub.PausedAt, pub.PausedTotal = &expires, &paused, 90*time.Minute
	pub.Fee = &privet.RequestFee{Amount: "10.00 EUR"}
	pub.Details = []byte(`{"kept":[]}`)
	createRequest(t, st, pub)
	if got := readRequest(t, st, tn.ID, pub.ID); !reflect.DeepEqual(got, pub) {
		t.Fatalf("round trip changed the request:\n got %+v\nwant %+v", got, pub)
	}
	view(t, st, func(tx privet.Tx) error {
		got, err := tx.RequestByStatusToken(ctx, pub.StatusTokenHash)
		if err != nil || got.ID != pub.ID || got.TenantID != tn.ID {
			t.Errorf("RequestByStatusToken = %+v, %v", got, err)
		}
		_, err = tx.RequestByStatusToken(ctx, randomBytes(32))
		wantNotFound(t, err)
		_, err = tx.Request(ctx, other.ID, pub.ID)
		wantNotFound(t, err) // another tenant's request does not exist
		return nil
	})

	// Verified and matched: every mutable attribute changes.
	done, ext := at.Add(48*time.Hour), at.AddDate(0, 0, 90)
	pub.SubjectID, pub.Status, pub.Outcome, pub.DenyReason = sub.ID, privet.RequestCompleted, privet.OutcomeComplied, ""
	pub.CompletedAt, pub.ExtendedTo, pub.ExtensionReason, pub.DueAt = &done, &ext, "complex", ext
	pub.PausedAt, pub.PausedTotal = nil, 2*time.Hour
	pub.Verification = privet.RequestVerification{Level: "code", Points: 3, VerifiedAt: &done, Attempts: 3, Locked: true}
	pub.Fee.AcceptedAt = &done
	pub.SealedContact, pub.ProcessorClient, pub.Details, pub.UpdatedAt = nil, "acme", []byte(`{"package":"pkg_1"}`), done
	update(t, st, func(tx privet.Tx) error { return tx.UpdateRequest(ctx, pub) })
	if got := readRequest(t, st, tn.ID, pub.ID); !reflect.DeepEqual(got, pub) {
		t.Fatalf("update did not round trip:\n got %+v\nwant %+v", got, pub)
	}
	stranger := *pub
	stranger.TenantID = other.ID
	err := st.Update(ctx, func(tx privet.Tx) error { return tx.UpdateRequest(ctx, &stranger) })
	wantNotFound(t, err)
	err = st.Update(ctx, func(tx privet.Tx) error { return tx.CreateRequest(ctx, newRequest("ten_missing", "", 1)) })
	wantCode(t, err, privet.ENOTFOUND)
}

func testRequestOpenUnique(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn := newTenant(t, st)
	sub := newSubject(tn.ID)
	createSubject(t, st, sub)

	first := newRequest(tn.ID, sub.ID, 45)
	createRequest(t, st, first)
	err := st.Update(ctx, func(tx privet.Tx) error { return tx.CreateRequest(ctx, newRequest(tn.ID, sub.ID, 45)) })
	wantCode(t, err, privet.ECONFLICT)
	// Another type is another request; so is one without a subject.
	erasure := newRequest(tn.ID, sub.ID, 45)
	erasure.Type = "erasure"
	createRequest(t, st, erasure)
	createRequest(t, st, newRequest(tn.ID, "", 45))
	createRequest(t, st, newRequest(tn.ID, "", 45))

	view(t, st, func(tx privet.Tx) error {
		got, err := tx.OpenRequest(ctx, tn.ID, sub.ID, "access")
		if err != nil || got.ID != first.ID {
			t.Errorf("OpenRequest = %v, %v; want %s", got, err, first.ID)
		}
		_, err = tx.OpenRequest(ctx, tn.ID, sub.ID, "portability")
		wantNotFound(t, err)
		return nil
	})
	// Once the first closes, a new one may be filed; reopening the first
	// then conflicts.
	first.Status = privet.RequestCompleted
	update(t, st, func(tx privet.Tx) error { return tx.UpdateRequest(ctx, first) })
	second := newRequest(tn.ID, sub.ID, 45)
	createRequest(t, st, second)
	first.Status = privet.RequestOpen
	err = st.Update(ctx, func(tx privet.Tx) error { return tx.UpdateRequest(ctx, first) })
	wantCode(t, err, privet.ECONFLICT)

	// Concurrent creates: exactly one wins, and OpenRequest names it.
	for round := range 5 {
		s := newSubject(tn.ID)
		createSubject(t, st, s)
		reqs := []*privet.Request{newRequest(tn.ID, s.ID, 30), newRequest(tn.ID, s.ID, 30), newRequest(tn.ID, s.ID, 30)}
		errs := make([]error, len(reqs))
		var wg sync.WaitGroup
		for i := range reqs {
			wg.Go(func() { errs[i] = st.Update(ctx, func(tx privet.Tx) error { return tx.CreateRequest(ctx, reqs[i]) }) })
		}
		wg.Wait()
		var winner string
		for i, err := range errs {
			switch privet.ErrorCode(err) {
			case "":
				if winner != "" {
					t.Fatalf("round %d: two creates succeeded", round)
				}
				winner = reqs[i].ID
			case privet.ECONFLICT:
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		view(t, st, func(tx privet.Tx) error {
			got, err := tx.OpenRequest(ctx, tn.ID, s.ID, "access")
			if err != nil || got.ID != winner {
				t.Errorf("round %d: OpenRequest = %v, %v; want the winner %s", round, got, err, winner)
			}
			return nil
		})
	}
}

func testRequestList(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	sub := newSubject(tn.ID)
	createSubject(t, st, sub)
	base := now()

	var ids []string // in due order
	for i, days := range []int{30, 10, 45, 20} {
		r := newRequest(tn.ID, "", days)
		r.DueAt = base.AddDate(0, 0, days)
		r.ReceivedAt = base.AddDate(0, 0, -i)
		if i == 2 {
			r.Type, r.SubjectID = "erasure", sub.ID
		}
		if i == 3 {
			r.Status = privet.RequestDenied
		}
		createRequest(t, st, r)
		ids = append(ids, r.ID)
	}
	createRequest(t, st, newRequest(other.ID, "", 1)) // another tenant's never shows
	byDue := []string{ids[1], ids[3], ids[0], ids[2]}

	list := func(f privet.RequestFilter) []string {
		var out []string
		view(t, st, func(tx privet.Tx) error {
			rs, err := tx.Requests(ctx, tn.ID, f)
			for _, r := range rs {
				out = append(out, r.ID)
			}
			return err
		})
		return out
	}
	count := func(f privet.RequestFilter) int {
		var n int
		view(t, st, func(tx privet.Tx) (err error) {
			n, err = tx.CountRequests(ctx, tn.ID, f)
			return err
		})
		return n
	}
	for _, tc := range []struct {
		name string
		f    privet.RequestFilter
		want []string
	}{
		{"all by due date", privet.RequestFilter{}, byDue},
		{"open only", privet.RequestFilter{OpenOnly: true}, []string{ids[1], ids[0], ids[2]}},
		{"status", privet.RequestFilter{Status: privet.RequestDenied}, []string{ids[3]}},
		{"type", privet.RequestFilter{Type: "erasure"}, []string{ids[2]}},
		{"subject", privet.RequestFilter{SubjectID: sub.ID}, []string{ids[2]}},
		{"due before", privet.RequestFilter{DueBefore: base.AddDate(0, 0, 25)}, []string{ids[1], ids[3]}},
		{"received window", privet.RequestFilter{ReceivedFrom: base.AddDate(0, 0, -2), ReceivedTo: base}, []string{ids[1], ids[2]}},
		{"page", privet.RequestFilter{Limit: 2}, byDue[:2]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := list(tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("Requests = %v, want %v", got, tc.want)
			}
			if tc.f.Limit == 0 {
				if n := count(tc.f); n != len(tc.want) {
					t.Errorf("CountRequests = %d, want %d", n, len(tc.want))
				}
			}
		})
	}
	// Paging resumes after the last (due, id) seen.
	r3 := readRequest(t, st, tn.ID, byDue[1])
	if got := list(privet.RequestFilter{AfterDue: r3.DueAt, AfterID: r3.ID}); !slices.Equal(got, byDue[2:]) {
		t.Errorf("next page = %v, want %v", got, byDue[2:])
	}
}

func testRequestDueCounts(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	base := now()
	mk := func(tenantID, typ string, due time.Duration, status privet.RequestStatus, received time.Duration) {
		r := newRequest(tenantID, "", 0)
		r.Type, r.DueAt, r.Status, r.ReceivedAt = typ, base.Add(due), status, base.Add(received)
		createRequest(t, st, r)
	}
	day := 24 * time.Hour
	mk(tn.ID, "access", -day, privet.RequestOpen, -40*day)                      // overdue
	mk(other.ID, "access", -2*day, privet.RequestInProgress, -40*day)           // overdue, another tenant
	mk(tn.ID, "access", 2*day, privet.RequestAwaitingApproval, -day)            // due soon
	mk(tn.ID, "erasure", 3*day, privet.RequestOpen, -day)                       // due soon
	mk(tn.ID, "erasure", 30*day, privet.RequestOpen, -day)                      // not soon
	mk(tn.ID, "erasure", -day, privet.RequestCompleted, -40*day)                // closed
	mk(tn.ID, "erasure", -day, privet.RequestPendingVerification, -2*time.Hour) // not verified: not counted
	mk(tn.ID, "know", -day, privet.RequestPendingVerification, -30*time.Minute) // not verified
	var got []privet.RequestDueCount
	view(t, st, func(tx privet.Tx) (err error) {
		got, err = tx.RequestDueCounts(ctx, base, base.Add(7*day))
		return err
	})
	want := []privet.RequestDueCount{{Type: "access", Overdue: 2, DueSoon: 1}, {Type: "erasure", Overdue: 0, DueSoon: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RequestDueCounts = %+v, want %+v", got, want)
	}

	var stale []*privet.Request
	view(t, st, func(tx privet.Tx) (err error) {
		stale, err = tx.UnverifiedBefore(ctx, base.Add(-time.Hour), 10)
		return err
	})
	if len(stale) != 1 || stale[0].Type != "erasure" || stale[0].Status != privet.RequestPendingVerification {
		t.Errorf("UnverifiedBefore = %+v, want the one erasure received two hours ago", stale)
	}
}
