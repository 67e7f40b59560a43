package storetest

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"testing"

	"github.com/privet-dev/privet"
)

func newDataKey(tenantID, subjectID string, master uint32) *privet.DataKey {
	return &privet.DataKey{TenantID: tenantID, SubjectID: subjectID, Wrapped: randomBytes(60), MasterKeyID: master, CreatedAt: now()}
}

func testDataKeys(t *testing.T, open OpenFunc) {
	_, ks := open(t)
	ctx := context.Background()
	k := newDataKey("ten_a", "sub_1", 7)
	if err := ks.PutDataKey(ctx, k); err != nil {
		t.Fatalf("PutDataKey: %v", err)
	}
	wantCode(t, ks.PutDataKey(ctx, newDataKey("ten_a", "sub_1", 8)), privet.ECONFLICT)
	got, err := ks.DataKey(ctx, "ten_a", "sub_1")
	if err != nil {
		t.Fatalf("DataKey: %v", err)
	}
	if !reflect.DeepEqual(got, k) {
		t.Errorf("DataKey = %+v, want %+v", got, k)
	}
	_, err = ks.DataKey(ctx, "ten_b", "sub_1")
	wantNotFound(t, err)

	if err := ks.DeleteDataKey(ctx, "ten_a", "sub_1"); err != nil {
		t.Fatalf("DeleteDataKey: %v", err)
	}
	_, err = ks.DataKey(ctx, "ten_a", "sub_1")
	wantNotFound(t, err)
	if err := ks.DeleteDataKey(ctx, "ten_a", "sub_1"); err != nil {
		t.Errorf("deleting a missing key: %v, want nil", err)
	}
	// A destroyed key can be replaced (a subject created again under the id).
	if err := ks.PutDataKey(ctx, newDataKey("ten_a", "sub_1", 1<<31+5)); err != nil {
		t.Fatalf("PutDataKey after delete: %v", err)
	}
	if got, err := ks.DataKey(ctx, "ten_a", "sub_1"); err != nil || got.MasterKeyID != 1<<31+5 {
		t.Errorf("MasterKeyID round trip = %v, %v; want %d (uint32 above int32)", got, err, uint32(1<<31+5))
	}
}

func testDataKeyRotation(t *testing.T, open OpenFunc) {
	_, ks := open(t)
	ctx := context.Background()
	// 3 tenants × 5 subjects; subjects 0 and 3 already wrapped by the new key 2.
	var old []*privet.DataKey
	for ti := range 3 {
		for si := range 5 {
			master := uint32(1)
			if si == 0 || si == 3 {
				master = 2
			}
			k := newDataKey(fmt.Sprintf("ten_%d", ti), fmt.Sprintf("sub_%d", si), master)
			if err := ks.PutDataKey(ctx, k); err != nil {
				t.Fatalf("PutDataKey: %v", err)
			}
			if master == 1 {
				old = append(old, k)
			}
		}
	}
	counts, err := ks.CountDataKeys(ctx)
	if err != nil || !maps.Equal(counts, map[uint32]int64{1: 9, 2: 6}) {
		t.Fatalf("CountDataKeys = %v, %v; want 1:9 2:6", counts, err)
	}

	var listed []*privet.DataKey
	afterT, afterS := "", ""
	for {
		page, err := ks.DataKeysNotWrappedBy(ctx, 2, afterT, afterS, 4)
		if err != nil {
			t.Fatalf("DataKeysNotWrappedBy: %v", err)
		}
		if len(page) > 4 {
			t.Fatalf("page of %d, limit 4", len(page))
		}
		listed = append(listed, page...)
		if len(page) < 4 {
			break
		}
		last := page[len(page)-1]
		afterT, afterS = last.TenantID, last.SubjectID
	}
	if !reflect.DeepEqual(listed, old) {
		t.Fatalf("DataKeysNotWrappedBy listed %d keys, want the %d old ones in (tenant, subject) order", len(listed), len(old))
	}

	k := old[0]
	tests := []struct {
		name     string
		tenantID string
		subject  string
		oldID    uint32
		wantCode string
	}{
		{"rewrap", k.TenantID, k.SubjectID, 1, ""},
		{"already rewrapped", k.TenantID, k.SubjectID, 1, privet.ECONFLICT},
		{"missing", "ten_x", "sub_x", 1, privet.ENOTFOUND},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ks.RewrapDataKey(ctx, tc.tenantID, tc.subject, tc.oldID, []byte("rewrapped"), 2)
			wantCode(t, err, tc.wantCode)
		})
	}
	got, err := ks.DataKey(ctx, k.TenantID, k.SubjectID)
	if err != nil || got.MasterKeyID != 2 || string(got.Wrapped) != "rewrapped" {
		t.Errorf("after rewrap: %+v, %v", got, err)
	}
	counts, _ = ks.CountDataKeys(ctx)
	if !maps.Equal(counts, map[uint32]int64{1: 8, 2: 7}) {
		t.Errorf("CountDataKeys after rewrap = %v, want 1:8 2:7", counts)
	}
}
