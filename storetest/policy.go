package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/privet-dev/privet"
)

func newPolicyVersion(tenantID, version string, effective time.Time) *privet.PolicyVersion {
	return &privet.PolicyVersion{
		TenantID: tenantID, Version: version, Effective: effective, Source: []byte("version: " + version + "\n"),
		SHA256: "sha-" + version, PublishedAt: now(), PublishedBy: "admin",
	}
}

func testPolicyVersions(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// Published out of effective order: the list is by effective date.
	later := newPolicyVersion(tn.ID, "2", day.AddDate(0, 2, 0))
	later.Material, later.RightsReduced = true, true
	first := newPolicyVersion(tn.ID, "1", day)
	var stamps []int64
	stamp := func() int64 {
		var s int64
		view(t, st, func(tx privet.Tx) (err error) { s, err = tx.PolicyChangeStamp(ctx, tn.ID); return err })
		return s
	}
	stamps = append(stamps, stamp())
	for _, v := range []*privet.PolicyVersion{later, first} {
		update(t, st, func(tx privet.Tx) error { return tx.CreatePolicyVersion(ctx, v) })
		stamps = append(stamps, stamp())
	}
	if stamps[0] != 0 || stamps[1] == stamps[0] || stamps[2] == stamps[1] {
		t.Errorf("PolicyChangeStamp = %v, want 0 and then a new value after each publication", stamps)
	}
	err := st.Update(ctx, func(tx privet.Tx) error { return tx.CreatePolicyVersion(ctx, newPolicyVersion(tn.ID, "1", day)) })
	wantCode(t, err, privet.ECONFLICT)
	err = st.Update(ctx, func(tx privet.Tx) error {
		return tx.CreatePolicyVersion(ctx, newPolicyVersion("ten_missing", "1", day))
	})
	wantNotFound(t, err)

	view(t, st, func(tx privet.Tx) error {
		got, err := tx.PolicyVersion(ctx, tn.ID, "2")
		if err != nil {
			t.Fatalf("PolicyVersion: %v", err)
		}
		if !reflect.DeepEqual(got, later) {
			t.Errorf("PolicyVersion = %+v, want %+v", got, later)
		}
		_, err = tx.PolicyVersion(ctx, other.ID, "2")
		wantNotFound(t, err) // another tenant's version is not there
		all, err := tx.PolicyVersions(ctx, tn.ID)
		if err != nil {
			t.Fatalf("PolicyVersions: %v", err)
		}
		if len(all) != 2 || all[0].Version != "1" || all[1].Version != "2" {
			t.Errorf("PolicyVersions = %v, want 1 then 2 by effective date", all)
		}
		none, err := tx.PolicyVersions(ctx, other.ID)
		if err != nil || len(none) != 0 {
			t.Errorf("other tenant's PolicyVersions = %v, %v; want none", none, err)
		}
		pending, err := tx.PolicyVersionsPending(ctx, day.Add(time.Hour))
		if err != nil {
			t.Fatalf("PolicyVersionsPending: %v", err)
		}
		if len(pending) != 1 || pending[0].Version != "1" {
			t.Errorf("PolicyVersionsPending = %v, want only the version in effect", pending)
		}
		return nil
	})

	at := now()
	for i, want := range []bool{true, false} {
		update(t, st, func(tx privet.Tx) error {
			got, err := tx.ActivatePolicyVersion(ctx, tn.ID, "1", at)
			if err != nil || got != want {
				t.Errorf("ActivatePolicyVersion #%d = %v, %v; want %v", i+1, got, err, want)
			}
			return nil
		})
	}
	err = st.Update(ctx, func(tx privet.Tx) error {
		_, err := tx.ActivatePolicyVersion(ctx, other.ID, "1", at)
		return err
	})
	wantNotFound(t, err)
	view(t, st, func(tx privet.Tx) error {
		v, err := tx.PolicyVersion(ctx, tn.ID, "1")
		if err != nil || v.ActivatedAt == nil || !v.ActivatedAt.Equal(at) {
			t.Errorf("activated version = %+v, %v; want ActivatedAt %v", v, err, at)
		}
		pending, err := tx.PolicyVersionsPending(ctx, day.AddDate(1, 0, 0))
		if err != nil || len(pending) != 1 || pending[0].Version != "2" {
			t.Errorf("PolicyVersionsPending after activation = %v, %v; want only version 2", pending, err)
		}
		return nil
	})

	// Notices: recorded once per subject and version.
	sub := newSubject(tn.ID)
	update(t, st, func(tx privet.Tx) error { return tx.CreateSubject(ctx, sub) })
	for i, want := range []bool{true, false} {
		update(t, st, func(tx privet.Tx) error {
			got, err := tx.RecordPolicyNotice(ctx, tn.ID, "2", sub.ID, at)
			if err != nil || got != want {
				t.Errorf("RecordPolicyNotice #%d = %v, %v; want %v", i+1, got, err, want)
			}
			return nil
		})
	}
	err = st.Update(ctx, func(tx privet.Tx) error {
		_, err := tx.RecordPolicyNotice(ctx, tn.ID, "9", sub.ID, at)
		return err
	})
	wantNotFound(t, err)
	view(t, st, func(tx privet.Tx) error {
		for _, c := range []struct {
			tenant, version string
			want            bool
		}{{tn.ID, "2", true}, {tn.ID, "1", false}, {other.ID, "2", false}} {
			got, err := tx.PolicyNoticeSent(ctx, c.tenant, c.version, sub.ID)
			if err != nil || got != c.want {
				t.Errorf("PolicyNoticeSent(%s, %s) = %v, %v; want %v", c.tenant, c.version, got, err, c.want)
			}
		}
		return nil
	})
}
