// Package privettest builds privet's services over real stores for tests of
// the layers above them (the API, the client, the command line): one place
// that opens a store and a key store, makes a master key and loads an example
// policy, so those tests never mock a database.
package privettest

import (
	"path/filepath"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/audit"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/retention"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// Services are the services of one privet over a fresh store.
type Services struct {
	Store   privet.Store
	Keys    privet.DataKeyStore
	Master  *crypto.Master
	Policy  *policy.Compiled
	Tenancy *tenancy.Service
	Vault   *vault.Service
	Audit   *audit.Service
	Consent *consent.Service
	// Retention keeps holds, lifecycle events and sweeps over the same store.
	Retention *retention.Service
}

// New opens a fresh SQLite store and key store, a new master key, and the
// example policy of the named service (e.g. "cipo-cloud"), all removed when
// the test ends.
func New(t testing.TB, example string) *Services {
	t.Helper()
	return NewOn(t, "sqlite", example)
}

// NewOn is New on the named engine (storetest.Engines): "sqlite" or
// "postgres", which skips the test when PostgreSQL is not configured.
func NewOn(t testing.TB, engine, example string) *Services {
	t.Helper()
	store, keys := storetest.Open(t, engine)
	path := filepath.Join(t.TempDir(), "master.json")
	if err := crypto.CreateMasterFile(path); err != nil {
		t.Fatal(err)
	}
	master, err := crypto.OpenMasterFile(path)
	if err != nil {
		t.Fatal(err)
	}
	name := example + "/policy.yaml"
	src, err := examples.FS.ReadFile(name)
	if err != nil {
		t.Fatalf("example %s: %v", example, err)
	}
	pol, err := policy.Parse(name, src)
	if err != nil {
		t.Fatal(err)
	}
	policies := vault.StaticPolicy{Compiled: pol}
	clock := privet.SystemClock{}
	v := &vault.Service{Store: store, Keys: keys, Master: master, Policies: policies, Clock: clock}
	return &Services{
		Store: store, Keys: keys, Master: master, Policy: pol,
		Tenancy:   &tenancy.Service{Store: store, Master: master, Clock: clock},
		Vault:     v,
		Audit:     &audit.Service{Store: store, Master: master, Clock: clock},
		Consent:   &consent.Service{Store: store, Master: master, Policies: policies, Clock: clock},
		Retention: &retention.Service{Store: store, Keys: keys, Vault: v, Policies: policies, Clock: clock},
	}
}
