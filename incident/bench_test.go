package incident_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/incident"
	"github.com/privet-dev/privet/privettest"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// BenchmarkFindAffected finds the subjects holding one category among many
// holding others: the category index, not a scan of sealed values, must
// carry it. Rows are written straight to the store (sealed values are random
// bytes), since only the lookup is measured.
func BenchmarkFindAffected(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("subjects=%d", n), func(b *testing.B) {
			svc := privettest.New(b, "cipo-cloud")
			ctx := context.Background()
			ten, err := svc.Tenancy.CreateTenant(ctx, "bench")
			if err != nil {
				b.Fatal(err)
			}
			random := func(n int) []byte { p := make([]byte, n); _, _ = rand.Read(p); return p }
			now := privet.SystemClock{}.Now()
			for start := 0; start < n; start += 500 {
				err := svc.Store.Update(ctx, func(tx privet.Tx) error {
					for i := start; i < min(start+500, n); i++ {
						cat := "user.name"
						if i%10 == 0 { // one in ten holds a credit card number
							cat = "user.financial.credit_card"
						}
						s := &privet.Subject{
							ID: privet.NewID(privet.PrefixSubject), TenantID: ten.ID, Jurisdiction: "DE", Status: privet.StatusActive,
							CreatedAt: now, UpdatedAt: now, LastActivityAt: now,
							Identities: []privet.Identity{{Type: privet.IdentityPhone, Index: random(32), Sealed: random(40)}},
							Fields: []privet.Field{{Name: "f", Category: cat, Sealed: random(40), UpdatedAt: now},
								{Name: "g", Category: "user.device", Sealed: random(40), UpdatedAt: now}},
						}
						if err := tx.CreateSubject(ctx, s); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			svcInc := &incident.Service{Store: svc.Store, Vault: svc.Vault, Policies: vault.StaticPolicy{Compiled: svc.Policy}}
			b.ResetTimer()
			for b.Loop() {
				inc, err := svcInc.Create(ctx, tenancy.Operator(), ten.ID, incident.NewIncident{
					Title: "t", Description: "d", Categories: []string{"user.financial"}, Risk: privet.RiskHigh, Impact: "i", Measures: "m",
				})
				if err != nil {
					b.Fatal(err)
				}
				found, err := svcInc.FindAffected(ctx, tenancy.Operator(), ten.ID, inc.ID, nil)
				if err != nil || found != n/10 {
					b.Fatalf("found %d, want %d (%v)", found, n/10, err)
				}
			}
		})
	}
}
