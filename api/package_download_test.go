package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/export"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

func TestPackageDownload(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sub, err := e.vault.Create(ctx, tenancy.Operator(), e.tenantA, vault.CreateInput{Jurisdiction: "DE",
		Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "dl@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	b := &export.Builder{Packages: e.packages, Vault: e.vault, Consent: e.services.Consent, Policies: e.services.Policies}
	id, _, err := b.Build(ctx, e.tenantA, sub.ID, "req_dl")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := e.packages.DownloadToken(ctx, e.tenantA, id)
	if err != nil {
		t.Fatal(err)
	}
	w := e.do(t, "GET", "/v1/public/packages/"+token, "", "", "Sec-GPC", "1")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/zip" ||
		w.Header().Get("Content-Disposition") != `attachment; filename="`+id+`.zip"` || !strings.HasPrefix(w.Body.String(), "PK") {
		t.Fatalf("download: %d %v %.100q", w.Code, w.Header(), w.Body)
	}
	// The link names the person: the browser's GPC signal is theirs.
	evs, err := e.services.Consent.Events(ctx, e.tenantA, consent.Party{SubjectID: sub.ID}, 0, 0)
	if err != nil || len(evs) != 1 || evs[0].Source != privet.SourceGPC {
		t.Fatalf("after a download with Sec-GPC: ledger %+v, %v; want the GPC signal", evs, err)
	}
	for _, bad := range []string{"x", token[:len(token)-2], strings.Repeat("A", 600)} {
		w := e.do(t, "GET", "/v1/public/packages/"+bad, "", "")
		if w.Code != http.StatusNotFound && w.Code != http.StatusUnprocessableEntity {
			t.Errorf("%.20s: %d, want 404 (or 422 for an overlong token)", bad, w.Code)
		}
		if strings.Contains(w.Body.String(), id) || strings.Contains(w.Body.String(), sub.ID) {
			t.Errorf("%.20s: the answer names the package or subject: %s", bad, w.Body)
		}
	}
	// Public, so limited per network like the other public routes.
	for i := range 1000 {
		w := e.do(t, "GET", "/v1/public/packages/x", "", "")
		if w.Code == http.StatusNotFound {
			continue
		}
		if w.Code != http.StatusTooManyRequests || i < 10 {
			t.Fatalf("request %d: %d %s", i, w.Code, w.Body)
		}
		return
	}
	t.Fatal("never limited")
}
