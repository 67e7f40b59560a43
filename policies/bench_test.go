package policies_test

import (
	"context"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/vault"
)

// BenchmarkPolicy is the cost every vault read and consent decision pays to
// learn the tenant's policy in force, against the single static policy.
func BenchmarkPolicy(b *testing.B) {
	for _, bc := range []struct {
		name    string
		publish bool
	}{{"fallback", false}, {"published", true}} {
		b.Run(bc.name, func(b *testing.B) {
			e := newEnv(b, "sqlite")
			if bc.publish {
				e.publish(b, variant(b, "2026-01", "2026-01-01"), false)
			}
			// The real clock, as a server runs: the cache is checked against
			// the store once a second.
			e.pol.Clock = privet.SystemClock{}
			ctx := context.Background()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := e.pol.Policy(ctx, e.tenant); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
	b.Run("static", func(b *testing.B) {
		e := newEnv(b, "sqlite")
		static := vault.StaticPolicy{Compiled: e.fallback}
		ctx := context.Background()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				_, _ = static.Policy(ctx, e.tenant)
			}
		})
	})
}
