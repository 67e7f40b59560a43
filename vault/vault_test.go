package vault_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/audit"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/sqlite"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/vault"
)

// engine is the store the tests run on; TestMain runs them on each.
var engine = "sqlite"

// TestMain runs every test on SQLite, then again on PostgreSQL when
// PRIVET_TEST_POSTGRES_URL is set.
func TestMain(m *testing.M) {
	code := 0
	for _, engine = range storetest.Engines() {
		if code = m.Run(); code != 0 {
			break
		}
	}
	os.Exit(code)
}

// sqliteOnly skips a test that inspects SQLite's files.
func (e *env) sqliteOnly(t *testing.T) *sqlite.Store {
	t.Helper()
	s, ok := e.store.(*sqlite.Store)
	if !ok {
		t.Skip("inspects SQLite files")
	}
	return s
}

// env is a vault over a real store, fresh for each test.
type env struct {
	dir    string
	store  privet.Store
	keys   privet.DataKeyStore
	master *crypto.Master
	clock  *privet.ManualClock
	vault  *vault.Service
	audit  *audit.Service
	tenant *privet.Tenant
	actor  privet.Actor
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	store, keys := storetest.Open(t, engine)
	masterPath := filepath.Join(dir, "master.json")
	if err := crypto.CreateMasterFile(masterPath); err != nil {
		t.Fatal(err)
	}
	master, err := crypto.OpenMasterFile(masterPath)
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.Load("testdata/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	clock := privet.NewManualClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	e := &env{dir: dir, store: store, keys: keys, master: master, clock: clock, actor: privet.Actor{Type: privet.ActorAPIKey, ID: "key_test"}}
	e.vault = &vault.Service{Store: store, Keys: keys, Master: master, Policies: vault.StaticPolicy{Compiled: pol}, Clock: clock}
	e.audit = &audit.Service{Store: store, Master: master, Clock: clock}
	e.tenant = e.newTenant(t, "Acme")
	return e
}

func (e *env) newTenant(t *testing.T, name string) *privet.Tenant {
	t.Helper()
	tn := &privet.Tenant{ID: privet.NewID(privet.PrefixTenant), Name: name, CreatedAt: e.clock.Now()}
	// The signing key is bound to its tenant id, so make it after the id.
	priv, pub, err := e.master.NewSigningKey(tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	tn.SigningKey, tn.SigningPublicKey = priv, pub
	if err := e.store.Update(context.Background(), func(tx privet.Tx) error { return tx.CreateTenant(context.Background(), tn) }); err != nil {
		t.Fatal(err)
	}
	return tn
}

func ada() vault.CreateInput {
	return vault.CreateInput{
		Jurisdiction: "DE",
		BirthDate:    "1990-12-10",
		Identities: []vault.IdentityInput{
			{Type: privet.IdentityEmail, Value: "  Ada.Lovelace@Example.COM "},
			{Type: privet.IdentityPhone, Value: "+44 20 7946 0958"},
		},
		Fields: []vault.FieldInput{
			{Name: "name", Category: "user.name", Value: "Ada Lovelace"},
			{Name: "passport", Category: "user.government_id", Value: "X1234567890123"},
		},
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := privet.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func TestCreateAndReadForPurpose(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	created, err := e.vault.Create(ctx, e.actor, e.tenant.ID, ada())
	if err != nil {
		t.Fatal(err)
	}
	if created.Identities[0].Value != "ada.lovelace@example.com" {
		t.Errorf("email not normalized: %q", created.Identities[0].Value)
	}

	tests := []struct {
		purpose      string
		wantFields   []string
		wantWithheld []string
		wantIDs      int
	}{
		{"essential.service", []string{"name"}, []string{"passport"}, 2},
		{"marketing.communications.email", []string{"name"}, []string{"identity:phone", "birth_date", "passport"}, 1},
		{"essential.service.authentication", []string{"name", "passport"}, []string{"identity:email", "identity:phone", "birth_date"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.purpose, func(t *testing.T) {
			v, err := e.vault.Get(ctx, e.actor, e.tenant.ID, created.ID, vault.ReadOptions{Purpose: tt.purpose})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, f := range v.Fields {
				names = append(names, f.Name)
			}
			if strings.Join(names, ",") != strings.Join(tt.wantFields, ",") {
				t.Errorf("fields = %v, want %v", names, tt.wantFields)
			}
			if strings.Join(v.Withheld, ",") != strings.Join(tt.wantWithheld, ",") {
				t.Errorf("withheld = %v, want %v", v.Withheld, tt.wantWithheld)
			}
			if len(v.Identities) != tt.wantIDs {
				t.Errorf("identities = %d, want %d", len(v.Identities), tt.wantIDs)
			}
		})
	}

	// The audit log records each read with its purpose and the categories
	// actually read, never a value.
	evs, err := e.audit.Events(ctx, e.tenant.ID, privet.AuditQuery{SubjectID: created.ID, Action: "subject.read"})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 {
		t.Fatalf("read events = %d, want 3", len(evs))
	}
	if evs[2].Purpose != "essential.service.authentication" || strings.Join(evs[2].Categories, ",") != "user.government_id,user.name" {
		t.Errorf("last read event = %+v", evs[2])
	}
}

func TestFindByIdentityWithoutDecrypting(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	created, err := e.vault.Create(ctx, e.actor, e.tenant.ID, ada())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []vault.IdentityInput{
		{Type: privet.IdentityEmail, Value: "ADA.LOVELACE@example.com"},
		{Type: privet.IdentityPhone, Value: "+442079460958"},
	} {
		v, err := e.vault.Find(ctx, e.actor, e.tenant.ID, id, vault.ReadOptions{Purpose: "essential.service", Masked: true})
		if err != nil {
			t.Fatalf("find %s: %v", id.Type, err)
		}
		if v.ID != created.ID {
			t.Fatalf("found %s, want %s", v.ID, created.ID)
		}
		if got := v.Identities[0].Value; got != "a***@example.com" {
			t.Errorf("masked email = %q", got)
		}
		if got := v.Identities[1].Value; got != "****0958" {
			t.Errorf("masked phone = %q", got)
		}
	}
	// Another tenant cannot find her: the blind index is keyed per tenant.
	other := e.newTenant(t, "Other")
	_, err = e.vault.Find(ctx, e.actor, other.ID, vault.IdentityInput{Type: privet.IdentityEmail, Value: "ada.lovelace@example.com"}, vault.ReadOptions{Purpose: "essential.service"})
	wantCode(t, err, privet.ENOTFOUND)
	_, err = e.vault.Get(ctx, e.actor, other.ID, created.ID, vault.ReadOptions{Purpose: "essential.service"})
	wantCode(t, err, privet.ENOTFOUND)
}

func TestBadInput(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	big := strings.Repeat("x", vault.MaxFieldValueBytes+1)
	tests := []struct {
		name   string
		mutate func(*vault.CreateInput)
		code   string
		field  string
	}{
		{"bad email", func(in *vault.CreateInput) { in.Identities[0].Value = "ada-at-example" }, privet.EINVALID, "identities[0].value"},
		{"bad phone", func(in *vault.CreateInput) { in.Identities[1].Value = "12" }, privet.EINVALID, "identities[1].value"},
		{"uncollected category", func(in *vault.CreateInput) { in.Fields[0].Category = "user.biometric" }, privet.EINVALID, "fields[0].category"},
		{"bad jurisdiction", func(in *vault.CreateInput) { in.Jurisdiction = "Germany" }, privet.EINVALID, "jurisdiction"},
		{"future birth date", func(in *vault.CreateInput) { in.BirthDate = "2099-01-01" }, privet.EINVALID, "birth_date"},
		{"oversized value", func(in *vault.CreateInput) { in.Fields[0].Value = big }, privet.ETOOLARGE, "fields[0].value"},
		{"no identity", func(in *vault.CreateInput) { in.Identities = nil }, privet.EINVALID, "identities"},
		{"unknown identity type", func(in *vault.CreateInput) { in.Identities[0].Type = "passport" }, privet.EINVALID, "identities[0].type"},
		{"duplicate field", func(in *vault.CreateInput) { in.Fields[1].Name = "name" }, privet.EINVALID, "fields[1].name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ada()
			tt.mutate(&in)
			_, err := e.vault.Create(ctx, e.actor, e.tenant.ID, in)
			wantCode(t, err, tt.code)
			if f := privet.ErrorField(err); f != tt.field {
				t.Errorf("field = %q, want %q", f, tt.field)
			}
			for _, secret := range []string{"Ada", "ada", "7946", "X1234567890123"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q echoes personal data", err)
				}
			}
		})
	}
	// Nothing was stored, and no orphan data key was left.
	subs, err := e.vault.List(ctx, e.tenant.ID, privet.SubjectFilter{})
	if err != nil || len(subs) != 0 {
		t.Fatalf("subjects after bad input = %d, %v", len(subs), err)
	}
	counts, _ := e.keys.CountDataKeys(ctx)
	if len(counts) != 0 {
		t.Errorf("data keys after bad input: %v", counts)
	}

	_, err = e.vault.Get(ctx, e.actor, e.tenant.ID, "sub_x", vault.ReadOptions{Purpose: "no.such.purpose"})
	wantCode(t, err, privet.EINVALID)
	_, err = e.vault.Get(ctx, e.actor, e.tenant.ID, "sub_x", vault.ReadOptions{})
	wantCode(t, err, privet.EINVALID)
}

func TestConcurrentCreatesWithTheSameEmail(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			in := ada()
			in.Identities = in.Identities[:1]
			_, errs[i] = e.vault.Create(ctx, e.actor, e.tenant.ID, in)
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case privet.ErrorCode(err) == privet.ECONFLICT:
			if privet.ErrorField(err) != "identities.email" || strings.Contains(err.Error(), "ada") {
				t.Errorf("conflict error = %v (field %q)", err, privet.ErrorField(err))
			}
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d creates won, want exactly 1", wins)
	}
	counts, _ := e.keys.CountDataKeys(ctx)
	var keys int64
	for _, c := range counts {
		keys += c
	}
	if keys != 1 {
		t.Errorf("data keys = %d, want 1: losers must not leave keys behind", keys)
	}
}

func TestUpdate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	created, err := e.vault.Create(ctx, e.actor, e.tenant.ID, ada())
	if err != nil {
		t.Fatal(err)
	}
	place := "US-CA"
	err = e.vault.Update(ctx, e.actor, e.tenant.ID, created.ID, vault.UpdateInput{
		Jurisdiction:     &place,
		SetFields:        []vault.FieldInput{{Name: "name", Category: "user.name", Value: "Augusta Ada King"}},
		RemoveFields:     []string{"passport"},
		AddIdentities:    []vault.IdentityInput{{Type: privet.IdentityExternalID, Value: "u-42"}},
		RemoveIdentities: []vault.IdentityInput{{Type: privet.IdentityPhone, Value: "+44 20 7946 0958"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.vault.Find(ctx, e.actor, e.tenant.ID, vault.IdentityInput{Type: privet.IdentityExternalID, Value: "u-42"}, vault.ReadOptions{Purpose: "essential.service"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Jurisdiction != "US-CA" || len(v.Fields) != 1 || v.Fields[0].Value != "Augusta Ada King" || len(v.Withheld) != 0 {
		t.Errorf("after update: %+v", v)
	}
	_, err = e.vault.Find(ctx, e.actor, e.tenant.ID, vault.IdentityInput{Type: privet.IdentityPhone, Value: "+442079460958"}, vault.ReadOptions{Purpose: "essential.service"})
	wantCode(t, err, privet.ENOTFOUND)

	// A failing part undoes the whole update: the email is taken by Bob.
	bob := vault.CreateInput{Jurisdiction: "FR", Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "bob@example.com"}}}
	if _, err := e.vault.Create(ctx, e.actor, e.tenant.ID, bob); err != nil {
		t.Fatal(err)
	}
	err = e.vault.Update(ctx, e.actor, e.tenant.ID, created.ID, vault.UpdateInput{
		SetFields:     []vault.FieldInput{{Name: "name", Category: "user.name", Value: "Changed"}},
		AddIdentities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "bob@example.com"}},
	})
	wantCode(t, err, privet.ECONFLICT)
	v, _ = e.vault.Get(ctx, e.actor, e.tenant.ID, created.ID, vault.ReadOptions{Purpose: "essential.service"})
	if v.Fields[0].Value != "Augusta Ada King" {
		t.Errorf("a failed update changed the name")
	}
}

func TestRestriction(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	created, err := e.vault.Create(ctx, e.actor, e.tenant.ID, ada())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.vault.Restrict(ctx, e.actor, e.tenant.ID, created.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.vault.Get(ctx, e.actor, e.tenant.ID, created.ID, vault.ReadOptions{Purpose: "essential.service"})
	wantCode(t, err, privet.EFORBIDDEN)
	v, err := e.vault.Get(ctx, e.actor, e.tenant.ID, created.ID, vault.ReadOptions{Purpose: "essential.legal_obligation"})
	if err != nil || v.Status != privet.StatusRestricted {
		t.Fatalf("read under restriction for legal claims: %v", err)
	}
	denied, _ := e.audit.Events(ctx, e.tenant.ID, privet.AuditQuery{SubjectID: created.ID, Action: "subject.read"})
	if len(denied) != 2 || denied[0].Result != privet.ResultDenied || denied[0].Reason != "restricted" {
		t.Errorf("denied read not audited: %+v", denied)
	}
	if err := e.vault.Reactivate(ctx, e.actor, e.tenant.ID, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.vault.Get(ctx, e.actor, e.tenant.ID, created.ID, vault.ReadOptions{Purpose: "essential.service"}); err != nil {
		t.Fatal(err)
	}
}

func TestClose(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	created, _ := e.vault.Create(ctx, e.actor, e.tenant.ID, ada())
	e.clock.Advance(time.Hour)
	if err := e.vault.Close(ctx, e.actor, e.tenant.ID, created.ID); err != nil {
		t.Fatal(err)
	}
	v, err := e.vault.Get(ctx, e.actor, e.tenant.ID, created.ID, vault.ReadOptions{Purpose: "essential.service"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != privet.StatusClosed || v.ClosedAt == nil || !v.ClosedAt.Equal(e.clock.Now()) {
		t.Errorf("closed subject: status %s closed_at %v", v.Status, v.ClosedAt)
	}
}

func TestEraseShredsEveryCopy(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	created, err := e.vault.Create(ctx, e.actor, e.tenant.ID, ada())
	if err != nil {
		t.Fatal(err)
	}
	store := e.sqliteOnly(t)
	// A backup of the data taken before the erasure.
	backup := filepath.Join(e.dir, "backup.db")
	if err := store.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if err := e.vault.Erase(ctx, e.actor, e.tenant.ID, created.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.vault.Erase(ctx, e.actor, e.tenant.ID, created.ID); err != nil {
		t.Fatalf("erasing twice: %v", err)
	}
	_, err = e.vault.Find(ctx, e.actor, e.tenant.ID, vault.IdentityInput{Type: privet.IdentityEmail, Value: "ada.lovelace@example.com"}, vault.ReadOptions{Purpose: "essential.service"})
	wantCode(t, err, privet.ENOTFOUND)
	subs, _ := e.vault.List(ctx, e.tenant.ID, privet.SubjectFilter{Status: privet.StatusErased})
	if len(subs) != 1 || subs[0].ID != created.ID || subs[0].ErasedAt == nil {
		t.Fatalf("erased subject should remain as a pseudonymous id: %+v", subs)
	}

	// Restore the old data with the current key store: the erased subject's
	// rows are back, but its key is gone, so nothing decrypts.
	restored, err := sqlite.Open(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	v := &vault.Service{Store: restored, Keys: e.keys, Master: e.master, Policies: e.vault.Policies, Clock: e.clock}
	_, err = v.Get(ctx, e.actor, e.tenant.ID, created.ID, vault.ReadOptions{Purpose: "essential.service"})
	wantCode(t, err, privet.ENOTFOUND)
	var sub *privet.Subject
	if err := restored.View(ctx, func(tx privet.Tx) error {
		var err error
		sub, err = tx.Subject(ctx, e.tenant.ID, created.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(sub.Fields) == 0 {
		t.Fatal("the backup should still hold the sealed rows")
	}
	if _, err := e.keys.DataKey(ctx, e.tenant.ID, created.ID); !errors.Is(err, privet.ErrNotFound) {
		t.Fatalf("data key after erasure: %v", err)
	}

	// The audit log names the subject by id only.
	evs, _ := e.audit.Events(ctx, e.tenant.ID, privet.AuditQuery{SubjectID: created.ID})
	if len(evs) < 2 || evs[len(evs)-1].Action != "subject.erase" {
		t.Fatalf("erase not audited: %+v", evs)
	}
}

func TestNoPlaintextAtRest(t *testing.T) {
	e := newEnv(t)
	store := e.sqliteOnly(t)
	ctx := context.Background()
	in := ada()
	if _, err := e.vault.Create(ctx, e.actor, e.tenant.ID, in); err != nil {
		t.Fatal(err)
	}
	// Make sure the values went through the WAL and into the main file too.
	if _, err := e.vault.Find(ctx, e.actor, e.tenant.ID, vault.IdentityInput{Type: privet.IdentityEmail, Value: "ada.lovelace@example.com"}, vault.ReadOptions{Purpose: "essential.service"}); err != nil {
		t.Fatal(err)
	}
	planted := []string{"ada.lovelace@example.com", "Ada Lovelace", "X1234567890123", "+442079460958", "1990-12-10", "7946"}
	// The data file, its WAL and the key store share a directory.
	var seq int
	var name, dbFile string
	if err := store.DB().QueryRow(`PRAGMA database_list`).Scan(&seq, &name, &dbFile); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(dbFile), "*"))
	if len(files) < 3 {
		t.Fatalf("expected data, WAL and key files, found %v", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range planted {
			if strings.Contains(strings.ToLower(string(b)), strings.ToLower(p)) {
				t.Errorf("%s holds plaintext %q", filepath.Base(f), p)
			}
		}
	}
}

func TestTamperedCiphertextIsAnIntegrityError(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, _ := e.vault.Create(ctx, e.actor, e.tenant.ID, ada())
	bobIn := vault.CreateInput{Jurisdiction: "FR", Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "bob@example.com"}},
		Fields: []vault.FieldInput{{Name: "name", Category: "user.name", Value: "Bob"}}}
	b, _ := e.vault.Create(ctx, e.actor, e.tenant.ID, bobIn)

	// Move Bob's sealed name into Ada's row: associated data binds it to Bob.
	err := e.store.Update(ctx, func(tx privet.Tx) error {
		bob, err := tx.Subject(ctx, e.tenant.ID, b.ID)
		if err != nil {
			return err
		}
		return tx.PutFields(ctx, e.tenant.ID, a.ID, []privet.Field{bob.Fields[0]})
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.vault.Get(ctx, e.actor, e.tenant.ID, a.ID, vault.ReadOptions{Purpose: "essential.service"})
	wantCode(t, err, privet.EINTEGRITY)
	evs, _ := e.audit.Events(ctx, e.tenant.ID, privet.AuditQuery{SubjectID: a.ID, Action: "subject.read"})
	if len(evs) != 1 || evs[0].Result != privet.ResultError || evs[0].Reason != privet.EINTEGRITY {
		t.Errorf("integrity failure not audited: %+v", evs)
	}
}

func TestKeyRotation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var ids []string
	for i := range 5 {
		in := vault.CreateInput{Jurisdiction: "DE", Identities: []vault.IdentityInput{{Type: privet.IdentityExternalID, Value: "user-" + string(rune('a'+i))}}}
		v, err := e.vault.Create(ctx, e.actor, e.tenant.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, v.ID)
	}
	old := e.master.PrimaryKeyID()
	if _, err := e.master.Rotate(filepath.Join(e.dir, "master.json")); err != nil {
		t.Fatal(err)
	}
	p, err := e.vault.Progress(ctx)
	if err != nil || p.Pending != 5 || p.Current != 0 {
		t.Fatalf("progress before rewrap = %+v, %v", p, err)
	}
	// Keys wrapped by the old version still open while rotation runs.
	if _, err := e.vault.Get(ctx, e.actor, e.tenant.ID, ids[0], vault.ReadOptions{Purpose: "essential.service"}); err != nil {
		t.Fatal(err)
	}
	n, err := e.vault.Rewrap(ctx, 2)
	if err != nil || n != 2 {
		t.Fatalf("first batch = %d, %v", n, err)
	}
	if p, _ := e.vault.Progress(ctx); p.Pending != 3 || p.Current != 2 {
		t.Fatalf("progress mid-rotation = %+v", p)
	}
	if _, err := e.vault.RewrapAll(ctx, 2); err != nil {
		t.Fatal(err)
	}
	p, _ = e.vault.Progress(ctx)
	if p.Pending != 0 || p.Current != 5 || p.ByKeyID[old] != 0 {
		t.Fatalf("progress after rotation = %+v", p)
	}
	for _, id := range ids {
		if _, err := e.vault.Get(ctx, e.actor, e.tenant.ID, id, vault.ReadOptions{Purpose: "essential.service"}); err != nil {
			t.Fatal(err)
		}
	}
}
