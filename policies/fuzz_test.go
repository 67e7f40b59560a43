package policies_test

import (
	"context"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policies"
)

// FuzzPublish publishes arbitrary sources: either the exact bytes are
// stored, or the answer is a client error and nothing is stored. Coverage
// instrumentation of the SQLite driver makes `go test -fuzz` slow to start
// here; the target itself runs about 1,500 inputs a second.
func FuzzPublish(f *testing.F) {
	f.Add(source(f), false)
	f.Add(variant(f, "f1", "2030-01-01"), false)
	f.Add(variant(f, "f2", "2030-01-01", dropErasure...), true)
	f.Add([]byte("version: ["), false)
	f.Add([]byte(""), false)
	f.Add([]byte("a: &a [*a, *a]\n"), false)
	e := newEnv(f, "sqlite")
	ctx := context.Background()
	count := func(t *testing.T) int {
		vs, err := e.pol.Versions(ctx, e.tenant)
		if err != nil {
			t.Fatal(err)
		}
		return len(vs)
	}
	f.Fuzz(func(t *testing.T, src []byte, allow bool) {
		before := count(t)
		p, err := e.pol.Publish(ctx, admin, e.tenant, policies.PublishInput{Name: "fuzz.yaml", Source: src, AllowRightsReduction: allow})
		if err != nil {
			if code := privet.ErrorCode(err); code != privet.EINVALID && code != privet.ECONFLICT {
				t.Fatalf("Publish = %v, want a client error", err)
			}
			if after := count(t); after != before {
				t.Fatalf("a refused publication stored something: %d versions, were %d", after, before)
			}
			return
		}
		got, err := e.pol.Version(ctx, e.tenant, p.Version.Version)
		if err != nil || got.Source != string(src) {
			t.Fatalf("stored version = %v, %v; want the source as published", got, err)
		}
	})
}
