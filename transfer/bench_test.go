package transfer_test

import (
	"context"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/transfer"
)

// BenchmarkCheck measures a whole check on SQLite: the subject read, the
// rules, the consent decision of a transfer abroad, and the audit write
// that records the disclosure.
func BenchmarkCheck(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	in := transfer.CheckInput{SubjectID: e.sub, Recipient: "overseas_support", Purpose: "essential.service.payment_processing",
		Categories: []string{"user.name"}}
	b.ResetTimer()
	for b.Loop() {
		d, err := e.transfer.Check(ctx, tenancy.Operator(), e.tenantID, in)
		if err != nil || !d.Allowed {
			b.Fatalf("%+v %v", d, err)
		}
	}
}

type benchEnv struct {
	*env
	sub string
}

func newBenchEnv(b *testing.B) benchEnv {
	b.Helper()
	e := newEnvTB(b, "sqlite", "testdata/cn-abroad.yaml")
	sub := e.subject(b, "CN")
	e.record(b, sub, "essential.service.sharing", privet.StateGiven)
	return benchEnv{env: e, sub: sub}
}

// BenchmarkCheckParallel runs checks from 16 goroutines: their audit writes
// share commits.
func BenchmarkCheckParallel(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	in := transfer.CheckInput{SubjectID: e.sub, Recipient: "overseas_support", Purpose: "essential.service.payment_processing",
		Categories: []string{"user.name"}}
	b.SetParallelism(8) // 16 goroutines on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if d, err := e.transfer.Check(ctx, tenancy.Operator(), e.tenantID, in); err != nil || !d.Allowed {
				b.Errorf("%+v %v", d, err)
				return
			}
		}
	})
}
