// Package privettest builds privet's services over real stores for tests of
// the layers above them (the API, the client, the command line): one place
// that opens a store and a key store, makes a master key and loads an example
// policy, so those tests never mock a database.
package privettest

import (
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/audit"
	"github.com/privet-dev/privet/complaint"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/crypto/cryptotest"
	"github.com/privet-dev/privet/disclosure"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/incident"
	"github.com/privet-dev/privet/policies"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/resources"
	"github.com/privet-dev/privet/retention"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/transfer"
	"github.com/privet-dev/privet/vault"
)

// Services are the services of one privet over a fresh store.
type Services struct {
	Store  privet.Store
	Keys   privet.DataKeyStore
	Master *crypto.Master
	Policy *policy.Compiled
	// Policies serves each tenant's published policy versions, falling back
	// to Policy; the vault and consent read the policy in force through it.
	Policies *policies.Service
	Tenancy  *tenancy.Service
	Vault    *vault.Service
	Audit    *audit.Service
	Consent  *consent.Service
	// Requests runs data-subject requests, honouring the store's legal
	// holds; it has no notifier or package builder: tests that run its jobs
	// set their own.
	Requests *requests.Service
	// Incidents has no Reacher: tests that send notices set one.
	Incidents *incident.Service
	// Transfers checks disclosures; Complaints keeps the complaints register.
	Transfers  *transfer.Service
	Complaints *complaint.Service
	// Disclosures keeps disclosures to authorities and ended entrustments;
	// it has no email sender: tests that need one set it.
	Disclosures *disclosure.Service
	// Retention keeps holds, lifecycle events and sweeps over the same store.
	Retention *retention.Service
	// Resources keeps resources' access histories.
	Resources *resources.Service
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
	master := cryptotest.Master(t)
	name := example + "/policy.yaml"
	src, err := examples.FS.ReadFile(name)
	if err != nil {
		t.Fatalf("example %s: %v", example, err)
	}
	pol, err := policy.Parse(name, src)
	if err != nil {
		t.Fatal(err)
	}
	clock := privet.SystemClock{}
	versions := &policies.Service{Store: store, Fallback: pol, Clock: clock}
	vaultSvc := &vault.Service{Store: store, Keys: keys, Master: master, Policies: versions, Clock: clock}
	cs := &consent.Service{Store: store, Master: master, Policies: versions, Clock: clock}
	svc := &Services{
		Store: store, Keys: keys, Master: master, Policy: pol, Policies: versions,
		Tenancy:   &tenancy.Service{Store: store, Master: master, Clock: clock},
		Vault:     vaultSvc,
		Audit:     &audit.Service{Store: store, Master: master, Clock: clock},
		Consent:   cs,
		Incidents: &incident.Service{Store: store, Vault: vaultSvc, Policies: versions, Clock: clock},
		Requests: &requests.Service{Store: store, Keys: keys, Master: master, Vault: vaultSvc, Consent: cs,
			Policies: versions, Clock: clock, Holds: requests.LegalHolds{Store: store, Clock: clock}},
		Transfers:  &transfer.Service{Store: store, Policies: versions, Consent: cs, Clock: clock},
		Complaints: &complaint.Service{Store: store, Policies: versions, Clock: clock},
		Retention:  &retention.Service{Store: store, Keys: keys, Vault: vaultSvc, Policies: versions, Clock: clock},
		Resources:  &resources.Service{Store: store, Vault: vaultSvc, Clock: clock},
	}
	versions.Renewer = cs
	versions.Notices = &policies.Notices{Subjects: vaultSvc}
	svc.Disclosures = &disclosure.Service{Store: store, Policies: versions, Clock: clock, Renderer: disclosure.TextRenderer{}}
	return svc
}
