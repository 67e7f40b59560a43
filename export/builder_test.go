package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/export"
	"github.com/privet-dev/privet/storetest"
	"github.com/privet-dev/privet/vault"
)

// builderWorld is a vault, a consent ledger and packages over a real store,
// with one subject who gave one consent.
type builderWorld struct {
	*world
	builder *export.Builder
	vault   *vault.Service
	subject string
}

func newBuilderWorld(t testing.TB, engine, window string) *builderWorld {
	t.Helper()
	ctx := context.Background()
	store, keys := storetest.Open(t, engine)
	master := newMaster(t)
	clock := privet.NewManualClock(t0)
	pol := examplePolicy(t)
	pol.Policy.Rights.ExportWindow = window
	policies := vault.StaticPolicy{Compiled: pol}
	w := &world{store: store, clock: clock, tenant: privet.NewID(privet.PrefixTenant), other: privet.NewID(privet.PrefixTenant),
		pkgs: &export.Packages{Store: store, Master: master, Clock: clock}}
	for _, id := range []string{w.tenant, w.other} {
		priv, pub, err := master.NewSigningKey(id)
		if err != nil {
			t.Fatal(err)
		}
		tn := &privet.Tenant{ID: id, Name: "Acme", CreatedAt: t0, SigningKey: priv, SigningPublicKey: pub}
		if err := store.Update(ctx, func(tx privet.Tx) error { return tx.CreateTenant(ctx, tn) }); err != nil {
			t.Fatal(err)
		}
	}
	vs := &vault.Service{Store: store, Keys: keys, Master: master, Policies: policies, Clock: clock}
	cs := &consent.Service{Store: store, Master: master, Policies: policies, Clock: clock}
	actor := privet.Actor{Type: privet.ActorAPIKey, ID: "key_test"}
	sub, err := vs.Create(ctx, actor, w.tenant, vault.CreateInput{Jurisdiction: "DE",
		Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "ada@example.com"}},
		Fields:     []vault.FieldInput{{Name: "bio", Category: "user.content.self_image", Value: "notes on the engine"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Record(ctx, actor, w.tenant, consent.RecordInput{Party: consent.Party{SubjectID: sub.ID},
		Purpose: "marketing.communications.email", State: privet.StateGiven, Source: privet.SourceAPI, Jurisdiction: "DE"}); err != nil {
		t.Fatal(err)
	}
	b := &export.Builder{Packages: w.pkgs, Vault: vs, Consent: cs, Policies: policies}
	return &builderWorld{world: w, builder: b, vault: vs, subject: sub.ID}
}

func (w *builderWorld) files(t *testing.T, id string) map[string]string {
	t.Helper()
	var buf bytes.Buffer
	if err := w.pkgs.Open(context.Background(), w.tenant, id, &buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(b)
	}
	return out
}

func (w *builderWorld) actions(t *testing.T, action string) []*privet.AuditEvent {
	t.Helper()
	var evs []*privet.AuditEvent
	err := w.store.View(context.Background(), func(tx privet.Tx) (err error) {
		evs, err = tx.AuditEvents(context.Background(), w.tenant, privet.AuditQuery{Action: action, Limit: 100})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestBuilder(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			w := newBuilderWorld(t, engine, "7d")
			id, exp, err := w.builder.Build(ctx, w.tenant, w.subject, "req_1")
			if err != nil {
				t.Fatal(err)
			}
			if want := t0.Add(7 * 24 * time.Hour); !exp.Equal(want) {
				t.Errorf("expires %v, want the policy's window: %v", exp, want)
			}
			files := w.files(t, id)
			for name, want := range map[string]string{"data.json": "notes on the engine", "consents.json": "marketing.communications.email",
				"access_history.json": "subject.read"} {
				if !strings.Contains(files[name], want) {
					t.Errorf("%s lacks %q:\n%.1000s", name, want, files[name])
				}
			}
			receipts := 0
			for name := range files {
				if strings.HasPrefix(name, "receipts/") {
					receipts++
				}
			}
			if receipts != 1 {
				t.Errorf("%d receipts, want 1", receipts)
			}

			// A rerun for the same request returns the same package.
			again, exp2, err := w.builder.Build(ctx, w.tenant, w.subject, "req_1")
			if err != nil || again != id || !exp2.Equal(exp) {
				t.Fatalf("rerun = %s %v %v, want %s", again, exp2, err, id)
			}
			evs := w.actions(t, "package.create")
			if len(evs) != 1 || evs[0].SubjectID != w.subject || evs[0].Reason != id || evs[0].ActorType != privet.ActorSystem {
				t.Fatalf("package.create events = %+v", evs)
			}
			// Another request gets its own package.
			if other, _, err := w.builder.Build(ctx, w.tenant, w.subject, "req_2"); err != nil || other == id {
				t.Errorf("second request: %s %v", other, err)
			}

			_, _, err = w.builder.Build(ctx, w.tenant, w.subject, "")
			wantCode(t, err, privet.EINVALID)
			_, _, err = w.builder.Build(ctx, w.other, w.subject, "req_3")
			wantCode(t, err, privet.ENOTFOUND)
		})
	}
}

func TestBuilderDefaultWindow(t *testing.T) {
	w := newBuilderWorld(t, "sqlite", "")
	_, exp, err := w.builder.Build(context.Background(), w.tenant, w.subject, "req_1")
	if err != nil || !exp.Equal(t0.Add(export.DefaultWindow)) {
		t.Fatalf("expires %v (%v), want %v", exp, err, t0.Add(export.DefaultWindow))
	}
}

func TestDownload(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			w := newBuilderWorld(t, engine, "7d")
			id, _, err := w.builder.Build(ctx, w.tenant, w.subject, "req_1")
			if err != nil {
				t.Fatal(err)
			}
			token, _, err := w.pkgs.DownloadToken(ctx, w.tenant, id)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = w.pkgs.DownloadToken(ctx, w.other, id)
			wantCode(t, err, privet.ENOTFOUND)

			pkg, err := w.pkgs.Download(ctx, token)
			if err != nil || pkg.ID != id || pkg.TenantID != w.tenant {
				t.Fatalf("Download = %+v, %v", pkg, err)
			}
			evs := w.actions(t, "package.download")
			if len(evs) != 1 || evs[0].SubjectID != w.subject || evs[0].Reason != id || evs[0].ActorType != privet.ActorSubject {
				t.Fatalf("package.download events = %+v", evs)
			}

			bad := []string{"", "x", token[:len(token)-1], token + "A", strings.ToUpper(token)}
			for _, tok := range bad {
				if tok == token {
					continue
				}
				if _, err := w.pkgs.Download(ctx, tok); err != export.ErrNoDownload {
					t.Errorf("Download(%q) = %v, want ErrNoDownload", tok, err)
				}
			}
			if n := len(w.actions(t, "package.download")); n != 1 {
				t.Errorf("%d download events after bad links, want 1", n)
			}

			// Past the window the link fails; so does a deleted package's.
			w.clock.Advance(7 * 24 * time.Hour)
			if _, err := w.pkgs.Download(ctx, token); err != export.ErrNoDownload {
				t.Errorf("expired: %v", err)
			}
			w.clock.Set(t0)
			if err := w.pkgs.Delete(ctx, w.tenant, id); err != nil {
				t.Fatal(err)
			}
			if _, err := w.pkgs.Download(ctx, token); err != export.ErrNoDownload {
				t.Errorf("deleted: %v", err)
			}
		})
	}
}

// FuzzDownload: no token but a signed one leads to a package; none panics,
// and every other answer is the one ErrNoDownload.
func FuzzDownload(f *testing.F) {
	ctx := context.Background()
	w := newBuilderWorld(f, "sqlite", "7d")
	id, _, err := w.builder.Build(ctx, w.tenant, w.subject, "req_1")
	if err != nil {
		f.Fatal(err)
	}
	token, _, err := w.pkgs.DownloadToken(ctx, w.tenant, id)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("")
	f.Add(token[:len(token)-1])
	f.Add(token[1:])
	f.Add(strings.Replace(token, ".", "..", 1))
	f.Fuzz(func(t *testing.T, tok string) {
		if tok == token {
			return
		}
		if _, err := w.pkgs.Download(ctx, tok); err != export.ErrNoDownload {
			t.Fatalf("Download(%q) = %v, want ErrNoDownload", tok, err)
		}
	})
}

// BenchmarkBuild builds the package of a subject with a few fields and one
// consent, for a new request each time: reads, receipt signing, the ZIP,
// encryption and storage, on SQLite.
func BenchmarkBuild(b *testing.B) {
	w := newBuilderWorld(b, "sqlite", "7d")
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		if _, _, err := w.builder.Build(ctx, w.tenant, w.subject, "req_"+strconv.Itoa(i)); err != nil {
			b.Fatal(err)
		}
	}
}
