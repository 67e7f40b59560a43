package requests_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/privet-dev/privet/requests"
)

// BenchmarkFileAndExecute files an access request for a signed-in subject
// and runs it to completion (execution job and notices), on SQLite.
func BenchmarkFileAndExecute(b *testing.B) {
	e := newEnv(b, "pypeserver")
	ctx := context.Background()
	subjects := make([]string, b.N)
	for i := range subjects {
		subjects[i] = e.subject(b, "DE", fmt.Sprintf("p%d@example.com", i))
	}
	e.store.take()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: subjects[i], Type: "access"}); err != nil {
			b.Fatal(err)
		}
		e.drain(b)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Minutes(), "requests/min")
}
