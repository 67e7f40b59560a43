package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

func TestConsentReceiptRoute(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v, err := e.vault.Create(ctx, tenancy.Operator(), e.tenantA, vault.CreateInput{
		Jurisdiction: "DE", Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: "receipt@example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	record := func(state string) string {
		w := e.do(t, http.MethodPost, "/v1/consents", e.adminA,
			`{"subject_id":"`+v.ID+`","purpose":"marketing.communications.email","state":"`+state+`","source":"api"}`)
		var ev privet.ConsentEvent
		if err := json.Unmarshal(w.Body.Bytes(), &ev); err != nil || w.Code != http.StatusCreated {
			t.Fatalf("record %s: %d %s", state, w.Code, w.Body)
		}
		return ev.ID
	}
	given, refused := record("given"), record("refused")
	tenant, err := e.tenancy.Tenant(ctx, e.tenantA)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, id, key string
		status        int
	}{
		{"given", given, e.adminA, http.StatusOK},
		{"refused has no receipt", refused, e.adminA, http.StatusUnprocessableEntity},
		{"another tenant's event", given, e.adminB, http.StatusNotFound},
		{"unknown event", "con_unknown", e.adminA, http.StatusNotFound},
		{"key without consent:read", given, e.readerA, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do(t, http.MethodGet, "/v1/consents/"+tt.id+"/receipt", tt.key, "")
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if tt.status != http.StatusOK {
				return
			}
			var out consent.SignedReceipt
			if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			r, err := consent.VerifyReceipt(tenant.SigningPublicKey, e.tenantA, out.JWS)
			if err != nil {
				t.Fatalf("the served JWS does not verify: %v", err)
			}
			if r.ConsentReceiptID != tt.id || r.PiiPrincipalID != v.ID || out.Receipt.ConsentReceiptID != tt.id {
				t.Fatalf("receipt = %+v", r)
			}
		})
	}
}
