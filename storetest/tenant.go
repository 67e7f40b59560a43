package storetest

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/privet-dev/privet"
)

func testTenants(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	a := newTenant(t, st)
	b := &privet.Tenant{ID: privet.NewID(privet.PrefixTenant), Name: "Beta", CreatedAt: a.CreatedAt.Add(time.Second)}
	update(t, st, func(tx privet.Tx) error { return tx.CreateTenant(ctx, b) })

	view(t, st, func(tx privet.Tx) error {
		got, err := tx.Tenant(ctx, a.ID)
		if err != nil {
			t.Fatalf("Tenant: %v", err)
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("Tenant = %+v, want %+v", got, a)
		}
		_, err = tx.Tenant(ctx, "ten_missing")
		wantNotFound(t, err)
		all, err := tx.Tenants(ctx)
		if err != nil {
			t.Fatalf("Tenants: %v", err)
		}
		ids := make([]string, len(all))
		for i, tn := range all {
			ids[i] = tn.ID
		}
		if !slices.Equal(ids, []string{a.ID, b.ID}) {
			t.Errorf("Tenants = %v, want oldest first %v", ids, []string{a.ID, b.ID})
		}
		return nil
	})

	err := st.Update(ctx, func(tx privet.Tx) error {
		return tx.CreateTenant(ctx, &privet.Tenant{ID: a.ID, Name: "dup", CreatedAt: now()})
	})
	wantCode(t, err, privet.ECONFLICT)
}

func testAPIKeys(t *testing.T, open OpenFunc) {
	st, _ := open(t)
	ctx := context.Background()
	tn, other := newTenant(t, st), newTenant(t, st)
	at := now()
	k1 := &privet.APIKey{ID: privet.NewID(privet.PrefixAPIKey), TenantID: tn.ID, Name: "ci", Hash: randomBytes(32),
		Scopes: []privet.Scope{privet.ScopeVaultRead, privet.ScopeAuditRead}, CreatedAt: at}
	k2 := &privet.APIKey{ID: privet.NewID(privet.PrefixAPIKey), TenantID: tn.ID, Name: "admin", Hash: randomBytes(32),
		Scopes: []privet.Scope{privet.ScopeAdmin}, CreatedAt: at.Add(time.Millisecond)}
	update(t, st, func(tx privet.Tx) error {
		if err := tx.CreateAPIKey(ctx, k1); err != nil {
			return err
		}
		return tx.CreateAPIKey(ctx, k2)
	})

	dup := *k1
	dup.ID = privet.NewID(privet.PrefixAPIKey)
	err := st.Update(ctx, func(tx privet.Tx) error { return tx.CreateAPIKey(ctx, &dup) })
	wantCode(t, err, privet.ECONFLICT)

	view(t, st, func(tx privet.Tx) error {
		got, err := tx.APIKeyByHash(ctx, k1.Hash)
		if err != nil {
			t.Fatalf("APIKeyByHash: %v", err)
		}
		if !reflect.DeepEqual(got, k1) {
			t.Errorf("APIKeyByHash = %+v, want %+v", got, k1)
		}
		_, err = tx.APIKeyByHash(ctx, randomBytes(32))
		wantNotFound(t, err)
		keys, err := tx.APIKeys(ctx, tn.ID)
		if err != nil {
			t.Fatalf("APIKeys: %v", err)
		}
		if len(keys) != 2 || keys[0].ID != k1.ID || keys[1].ID != k2.ID {
			t.Errorf("APIKeys = %d keys, want k1, k2 oldest first", len(keys))
		}
		if keys, _ := tx.APIKeys(ctx, other.ID); len(keys) != 0 {
			t.Errorf("APIKeys(other tenant) = %d keys, want 0", len(keys))
		}
		return nil
	})

	revokedAt := at.Add(time.Hour)
	tests := []struct {
		name     string
		tenantID string
		keyID    string
		wantCode string
	}{
		{"other tenant", other.ID, k1.ID, privet.ENOTFOUND},
		{"missing key", tn.ID, "key_missing", privet.ENOTFOUND},
		{"own key", tn.ID, k1.ID, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := st.Update(ctx, func(tx privet.Tx) error { return tx.RevokeAPIKey(ctx, tc.tenantID, tc.keyID, revokedAt) })
			wantCode(t, err, tc.wantCode)
		})
	}
	view(t, st, func(tx privet.Tx) error {
		got, err := tx.APIKeyByHash(ctx, k1.Hash)
		if err != nil {
			t.Fatalf("APIKeyByHash: %v", err)
		}
		if got.RevokedAt == nil || !got.RevokedAt.Equal(revokedAt) {
			t.Errorf("RevokedAt = %v, want %v", got.RevokedAt, revokedAt)
		}
		return nil
	})
}
