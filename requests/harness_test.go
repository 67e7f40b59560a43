package requests_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/crypto/cryptotest"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/vault"
)

// jobStore is the real store with a window on the jobs it commits: the
// tests then work them, as River would, by calling the workers.
type jobStore struct {
	privet.Store
	mu   sync.Mutex
	jobs []privet.Job
}

type jobTx struct {
	privet.Tx
	pending *[]privet.Job
}

func (t jobTx) Enqueue(ctx context.Context, job privet.Job) error {
	if err := t.Tx.Enqueue(ctx, job); err != nil {
		return err
	}
	*t.pending = append(*t.pending, job)
	return nil
}

func (s *jobStore) Update(ctx context.Context, fn func(tx privet.Tx) error) error {
	var pending []privet.Job
	err := s.Store.Update(ctx, func(tx privet.Tx) error {
		pending = nil
		return fn(jobTx{Tx: tx, pending: &pending})
	})
	if err == nil {
		s.mu.Lock()
		s.jobs = append(s.jobs, pending...)
		s.mu.Unlock()
	}
	return err
}

func (s *jobStore) take() []privet.Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.jobs
	s.jobs = nil
	return out
}

// recorder is a Notifier that keeps what it was asked to send.
type recorder struct {
	mu   sync.Mutex
	sent []requests.Notice
}

func (r *recorder) Notify(_ context.Context, n requests.Notice) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, n)
	return nil
}

func (r *recorder) templates(requestID string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, n := range r.sent {
		if n.RequestID == requestID {
			out = append(out, n.Template)
		}
	}
	return out
}

func (r *recorder) last(requestID, template string) *requests.Notice {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.sent) - 1; i >= 0; i-- {
		if n := r.sent[i]; n.RequestID == requestID && n.Template == template {
			return &n
		}
	}
	return nil
}

// packages builds one package per request id, however often asked.
type packages struct {
	mu    sync.Mutex
	built map[string]int
}

func (p *packages) Build(_ context.Context, _, _, requestID string) (string, time.Time, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.built[requestID]++
	return "pkg_" + requestID, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), nil
}

type holds []requests.Hold

func (h holds) Held(context.Context, string, string) ([]requests.Hold, error) { return h, nil }

type env struct {
	store    *jobStore
	keys     privet.DataKeyStore
	master   *crypto.Master
	clock    *privet.ManualClock
	pol      *policy.Compiled
	vault    *vault.Service
	svc      *requests.Service
	sent     *recorder
	packages *packages
	tenant   string
	actor    privet.Actor
	people   int
}

// start is a Monday, so business days count plainly from it.
var start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func newEnv(t testing.TB, example string) *env {
	t.Helper()
	return newEnvOn(t, "sqlite", example)
}

// newEnvOn serves the example policy on engine; edits rewrite its source
// first (a client declared, a fee set), as a tenant's own version would.
func newEnvOn(t testing.TB, engine, example string, edits ...func(string) string) *env {
	t.Helper()
	store, keys := storetest.Open(t, engine)
	master := cryptotest.Master(t)
	name := example + "/policy.yaml"
	src, err := examples.FS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	for _, edit := range edits {
		src = []byte(edit(string(src)))
	}
	pol, err := policy.Parse(name, src)
	if err != nil {
		t.Fatal(err)
	}
	js := &jobStore{Store: store}
	clock := privet.NewManualClock(start)
	policies := vault.StaticPolicy{Compiled: pol}
	e := &env{store: js, keys: keys, master: master, clock: clock, pol: pol, sent: &recorder{},
		packages: &packages{built: map[string]int{}}, actor: privet.Actor{Type: privet.ActorAPIKey, ID: "key_test"}}
	e.vault = &vault.Service{Store: js, Keys: keys, Master: master, Policies: policies, Clock: clock}
	e.svc = &requests.Service{Store: js, Keys: keys, Master: master, Vault: e.vault, Policies: policies, Clock: clock,
		Consent:  &consent.Service{Store: js, Master: master, Policies: policies, Clock: clock},
		Notifier: e.sent, Packages: e.packages}
	e.tenant = e.newTenant(t)
	return e
}

func (e *env) newTenant(t testing.TB) string {
	t.Helper()
	tn := &privet.Tenant{ID: privet.NewID(privet.PrefixTenant), Name: "Acme", CreatedAt: e.clock.Now()}
	priv, pub, err := e.master.NewSigningKey(tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	tn.SigningKey, tn.SigningPublicKey = priv, pub
	if err := e.store.Update(context.Background(), func(tx privet.Tx) error { return tx.CreateTenant(context.Background(), tn) }); err != nil {
		t.Fatal(err)
	}
	return tn.ID
}

// subject stores a person with an email, a phone and a name.
func (e *env) subject(t testing.TB, place, email string) string {
	t.Helper()
	phone := fmt.Sprintf("+1 415 %03d %04d", 555+e.people/9000, 100+e.people%9000)
	e.people++
	v, err := e.vault.Create(context.Background(), e.actor, e.tenant, vault.CreateInput{
		Jurisdiction: place,
		Identities: []vault.IdentityInput{
			{Type: privet.IdentityEmail, Value: email},
			{Type: privet.IdentityPhone, Value: phone},
		},
		Fields: []vault.FieldInput{
			{Name: "name", Category: "user.name", Value: "Ada Lovelace"},
			{Name: "email", Category: "user.contact.email", Value: email},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

// drain works every committed job, and the jobs they enqueue, as the job
// runner would.
func (e *env) drain(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	for range 20 {
		jobs := e.store.take()
		if len(jobs) == 0 {
			return
		}
		for _, j := range jobs {
			var err error
			switch j := j.(type) {
			case requests.ExecuteJob:
				err = e.svc.Execute(ctx, j.TenantID, j.RequestID)
			case requests.NotifyJob:
				err = e.svc.SendNotice(ctx, j)
			}
			if err != nil {
				t.Fatalf("job %s: %v", j.Kind(), err)
			}
		}
	}
	t.Fatal("jobs keep enqueueing jobs")
}

func (e *env) get(t *testing.T, id string) *privet.Request {
	t.Helper()
	r, err := e.svc.Get(context.Background(), e.tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := privet.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}
