package consent_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/privettest"
)

// benchEnv records a given consent for n subjects and warms memory.
func benchEnv(b testing.TB, n int) (*env, []string) {
	e := newEnv(b, openSQLite(b))
	ids := make([]string, n)
	subs := make([]*privet.Subject, n)
	for i := range ids {
		ids[i] = privet.NewID(privet.PrefixSubject)
		subs[i] = &privet.Subject{ID: ids[i], TenantID: e.tenant, Jurisdiction: "DE", Status: privet.StatusActive,
			AgeBand: "adult", CreatedAt: start, UpdatedAt: start, LastActivityAt: start}
	}
	ctx := context.Background()
	// Small transactions: on SQLite a transaction's cost grows with the
	// square of its statements (each truncates the savepoint's journal).
	const perTx = 500
	for first := 0; first < n; first += perTx {
		err := e.store.Update(ctx, func(tx privet.Tx) error {
			for i := first; i < min(first+perTx, n); i++ {
				s := subs[i]
				if err := tx.CreateSubject(ctx, s); err != nil {
					return err
				}
				if i%2 == 0 {
					ev := &privet.ConsentEvent{ID: privet.NewID(privet.PrefixConsent), TenantID: e.tenant, SubjectID: s.ID,
						Purpose: email, State: privet.StateGiven, Source: privet.SourceImport, PolicyVersion: e.pol.Hash, Time: start}
					if err := tx.AppendConsent(ctx, ev); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := e.svc.DecideBatch(ctx, e.tenant, email, ids); err != nil {
		b.Fatal(err)
	}
	return e, ids
}

func BenchmarkDecide(b *testing.B) {
	e, ids := benchEnv(b, 1000)
	ctx := context.Background()
	in := consent.DecideInput{Purpose: email}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		in.SubjectID = ids[i%len(ids)]
		if _, err := e.svc.Decide(ctx, e.tenant, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecideBatch100k(b *testing.B) {
	e, ids := benchEnv(b, consent.MaxBatch)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := privettest.ProcessCPU()
	for b.Loop() {
		ds, err := e.svc.DecideBatch(ctx, e.tenant, email, ids)
		if err != nil || len(ds) != len(ids) || !ds[0].Allowed || ds[1].Allowed {
			b.Fatalf("batch: %v", err)
		}
	}
	b.ReportMetric(float64(privettest.ProcessCPU()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkDecideTracking is BenchmarkDecide for a purpose a Do Not Track
// signal stops, with a tenth of the subjects having sent one: the signal
// check must leave the hot path as fast as the plain decision.
func BenchmarkDecideTracking(b *testing.B) {
	const signalled = 100
	e, ids := benchEnv(b, 1000)
	ctx := context.Background()
	for i := range e.pol.Policy.Purposes {
		if e.pol.Policy.Purposes[i].Key == "analytics.reporting" {
			e.pol.Policy.Purposes[i].Tracking = true
		}
	}
	honouring := *e.pol.Policy
	honouring.HonourDNT = true
	e.pol.Policy = &honouring
	for _, id := range ids[:signalled] {
		if _, err := e.svc.Signal(ctx, api, e.tenant, consent.SignalInput{Party: consent.Party{SubjectID: id}, Source: privet.SourceDNT}); err != nil {
			b.Fatal(err)
		}
	}
	in := consent.DecideInput{Purpose: "analytics.reporting"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		n := i % len(ids)
		in.SubjectID = ids[n]
		d, err := e.svc.Decide(ctx, e.tenant, in)
		if err != nil || (d.Reason == consent.ReasonDNT) != (n < signalled) {
			b.Fatalf("subject %d: %+v, %v", n, d, err)
		}
	}
}

// BenchmarkRecordParallel records choices of 1,000 subjects from 16
// goroutines (the load's clients) through the group commit: the consent
// write without HTTP. cpu-ms/op is the process's CPU time per write.
func BenchmarkRecordParallel(b *testing.B) {
	e, ids := benchEnv(b, 1000)
	ctx := context.Background()
	var next atomic.Int64
	b.SetParallelism(16 / max(runtime.GOMAXPROCS(0), 1))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := privettest.ProcessCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			in := consent.RecordInput{Party: consent.Party{SubjectID: ids[i%int64(len(ids))]}, Purpose: email,
				State: []privet.ConsentState{privet.StateGiven, privet.StateWithdrawn}[i%2], Source: privet.SourceAPI}
			if _, err := e.svc.Record(ctx, api, e.tenant, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(privettest.ProcessCPU()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkDecideVisitor is BenchmarkDecide for visitors known by a cookie
// id alone, half of them with a consent given, under a policy whose
// retention caps cookie data: a visitor's choice is weighed against the
// rule's cutoff on every decision, which must cost no more than a time
// comparison.
func BenchmarkDecideVisitor(b *testing.B) {
	e := newEnv(b, openSQLite(b))
	ctx := context.Background()
	cookies := make([]string, 1000)
	var ins []consent.RecordInput
	for i := range cookies {
		cookies[i] = fmt.Sprintf("ck_bench_%08d", i)
		if i%2 == 0 {
			ins = append(ins, consent.RecordInput{Party: consent.Party{CookieID: cookies[i]}, Purpose: email,
				State: privet.StateGiven, Source: privet.SourceBanner, Jurisdiction: "DE"})
		}
	}
	for first := 0; first < len(ins); first += 100 {
		if _, err := e.svc.RecordAll(ctx, api, e.tenant, ins[first:min(first+100, len(ins))]); err != nil {
			b.Fatal(err)
		}
	}
	in := consent.DecideInput{Purpose: email, Jurisdiction: "DE"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		n := i % len(cookies)
		in.CookieID = cookies[n]
		d, err := e.svc.Decide(ctx, e.tenant, in)
		if err != nil || d.Allowed != (n%2 == 0) {
			b.Fatalf("visitor %d: %+v, %v", n, d, err)
		}
	}
}
