package export_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/crypto/cryptotest"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/export"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/vault"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func examplePolicy(tb testing.TB) *policy.Compiled {
	tb.Helper()
	src, err := examples.FS.ReadFile("cipo-cloud/policy.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	pol, err := policy.Parse("cipo-cloud/policy.yaml", src)
	if err != nil {
		tb.Fatal(err)
	}
	return pol
}

func newMaster(tb testing.TB) *crypto.Master {
	tb.Helper()
	m := cryptotest.Master(tb)
	return m
}

// world is a store with two tenants, a subject in the first, and the
// package service over it on a manual clock.
type world struct {
	store   privet.Store
	pkgs    *export.Packages
	clock   *privet.ManualClock
	tenant  string
	other   string
	subject string
}

func newWorld(tb testing.TB, engine string) *world {
	tb.Helper()
	store, _ := storetest.Open(tb, engine)
	clock := privet.NewManualClock(t0)
	w := &world{store: store, clock: clock, tenant: privet.NewID(privet.PrefixTenant), other: privet.NewID(privet.PrefixTenant),
		subject: privet.NewID(privet.PrefixSubject)}
	w.pkgs = &export.Packages{Store: store, Master: newMaster(tb), Clock: clock}
	ctx := context.Background()
	err := store.Update(ctx, func(tx privet.Tx) error {
		for _, id := range []string{w.tenant, w.other} {
			if err := tx.CreateTenant(ctx, &privet.Tenant{ID: id, Name: "Acme", CreatedAt: t0, SigningKey: []byte("k"), SigningPublicKey: []byte("p")}); err != nil {
				return err
			}
		}
		return tx.CreateSubject(ctx, &privet.Subject{ID: w.subject, TenantID: w.tenant, Jurisdiction: "DE", Status: privet.StatusActive,
			CreatedAt: t0, UpdatedAt: t0, LastActivityAt: t0})
	})
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// subjectView returns a subject with n fields spread over a few categories;
// the values (about 200 bytes of hex each) compress about as badly as real
// data, so a large subject makes a package of several chunks.
func subjectView(n int) vault.SubjectView {
	cats := []string{"user.contact.email", "user.name", "user.professional_information", "user.account"}
	v := vault.SubjectView{ID: "sub_1", Jurisdiction: "DE", Status: privet.StatusActive, CreatedAt: t0, UpdatedAt: t0,
		Identities: []vault.IdentityView{{Type: privet.IdentityEmail, Value: "ada@example.com"}}}
	for i := range n {
		v.Fields = append(v.Fields, vault.FieldView{Name: fmt.Sprintf("field_%05d", i), Category: cats[i%len(cats)],
			Value: fmt.Sprintf("value %d: %x", i, noise(i)), UpdatedAt: t0})
	}
	return v
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := privet.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// noise returns 96 bytes that differ for every i and do not repeat.
func noise(i int) []byte {
	h := sha256.Sum256([]byte(fmt.Sprint(i)))
	out := h[:]
	for len(out) < 96 {
		h = sha256.Sum256(h[:])
		out = append(out, h[:]...)
	}
	return out
}
