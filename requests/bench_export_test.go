package requests_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/export"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/vault"
)

// BenchmarkAccessWithPackage is an access request end to end with the real
// package builder: intake, execution, the ZIP built from the vault, the
// consent ledger and the audit log, encrypted and stored in chunks, and the
// notices. One request at a time, on SQLite.
func BenchmarkAccessWithPackage(b *testing.B) {
	e := newEnv(b, "pypeserver")
	ctx := context.Background()
	e.svc.Packages = &export.Builder{
		Packages: &export.Packages{Store: e.store, Master: e.master, Clock: e.clock},
		Vault:    e.vault,
		Policies: vault.StaticPolicy{Compiled: e.pol},
	}
	subjects := make([]string, b.N)
	for i := range subjects {
		subjects[i] = e.subject(b, "DE", fmt.Sprintf("p%d@example.com", i))
	}
	e.store.take()
	b.ReportAllocs()
	b.ResetTimer()
	var last string
	for i := range b.N {
		f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: subjects[i], Type: "access"})
		if err != nil {
			b.Fatal(err)
		}
		e.drain(b)
		last = f.Request.ID
	}
	b.StopTimer()
	if r, err := e.svc.Get(ctx, e.tenant, last); err != nil || r.Status != privet.RequestCompleted {
		b.Fatalf("the last request did not complete: %v %v", r, err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Minutes(), "requests/min")
}
