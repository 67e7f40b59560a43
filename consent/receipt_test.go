package consent_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
)

var updateReceipt = flag.Bool("update-receipt", false, "rewrite the receipt golden file")

// signingTenant makes e's tenant one with a signing key, as tenancy creates
// them, and returns its public key.
func signingTenant(t *testing.T, e *env) ed25519.PublicKey {
	t.Helper()
	id := privet.NewID(privet.PrefixTenant)
	wrapped, pub, err := e.master.NewSigningKey(id)
	if err != nil {
		t.Fatal(err)
	}
	err = e.store.Update(context.Background(), func(tx privet.Tx) error {
		return tx.CreateTenant(context.Background(), &privet.Tenant{ID: id, Name: "Signer", CreatedAt: start, SigningKey: wrapped, SigningPublicKey: pub})
	})
	if err != nil {
		t.Fatal(err)
	}
	e.tenant = id
	return pub
}

func TestBuildReceiptGolden(t *testing.T) {
	pol := loadPolicy(t)
	pub := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	ev := &privet.ConsentEvent{ID: "con_golden", SubjectID: "sub_golden", Purpose: email, State: privet.StateGiven,
		Source: privet.SourceBanner, Jurisdiction: "DE", PolicyVersion: pol.Hash, Time: start}
	r, err := consent.BuildReceipt(ev, pol, pub)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "receipt.golden.json")
	if *updateReceipt {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("receipt differs from %s (run with -update-receipt after checking):\n%s", golden, got)
	}
}

func TestBuildReceiptFields(t *testing.T) {
	pol := loadPolicy(t)
	pub := make(ed25519.PublicKey, ed25519.PublicKeySize)
	visitor := []byte{0xab, 0xcd}
	tests := []struct {
		name       string
		ev         privet.ConsentEvent
		code       string
		principal  string
		consentTyp string
		thirdParty bool
	}{
		{name: "given, EU opt-in", ev: privet.ConsentEvent{SubjectID: "sub_1", Purpose: email, State: privet.StateGiven, Jurisdiction: "DE"},
			principal: "sub_1", consentTyp: "EXPLICIT", thirdParty: true},
		{name: "withdrawn, US opt-out", ev: privet.ConsentEvent{SubjectID: "sub_1", Purpose: email, State: privet.StateWithdrawn, Jurisdiction: "US-CA"},
			principal: "sub_1", consentTyp: "IMPLICIT", thirdParty: true},
		{name: "visitor", ev: privet.ConsentEvent{Visitor: visitor, Purpose: targeted, State: privet.StateGiven, Jurisdiction: "FR"},
			principal: "visitor:abcd", consentTyp: "EXPLICIT", thirdParty: true},
		{name: "refused", ev: privet.ConsentEvent{SubjectID: "sub_1", Purpose: email, State: privet.StateRefused}, code: privet.EINVALID},
		{name: "expired", ev: privet.ConsentEvent{SubjectID: "sub_1", Purpose: email, State: privet.StateExpired}, code: privet.EINVALID},
		{name: "needs renewal", ev: privet.ConsentEvent{SubjectID: "sub_1", Purpose: email, State: privet.StateNeedsRenewal}, code: privet.EINVALID},
		{name: "linked", ev: privet.ConsentEvent{SubjectID: "sub_1", State: privet.StateLinked}, code: privet.EINVALID},
		{name: "purpose gone from the policy", ev: privet.ConsentEvent{SubjectID: "sub_1", Purpose: "no.such", State: privet.StateGiven}, code: privet.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.ev.ID, tt.ev.Source, tt.ev.Time = "con_x", privet.SourceAPI, start
			r, err := consent.BuildReceipt(&tt.ev, pol, pub)
			if tt.code != "" {
				if privet.ErrorCode(err) != tt.code {
					t.Fatalf("error = %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := r.Services[0].Purposes[0]
			if r.PiiPrincipalID != tt.principal || p.ConsentType != tt.consentTyp || p.ThirdPartyDisclosure != tt.thirdParty ||
				r.ConsentState != string(tt.ev.State) || r.ConsentTimestamp != start.Unix() || r.Jurisdiction != tt.ev.Jurisdiction ||
				p.PurposeCategory[0] != tt.ev.Purpose || r.Version != consent.ReceiptVersion {
				t.Fatalf("receipt = %+v", r)
			}
		})
	}
}

func TestReceiptSignedAndVerified(t *testing.T) {
	e := newEnv(t, openSQLite(t))
	pub := signingTenant(t, e)
	ctx := context.Background()
	sub := e.subject(t, "DE", "", privet.StatusActive)
	given := e.record(t, consent.RecordInput{Party: consent.Party{SubjectID: sub}, Purpose: email, State: privet.StateGiven})
	refused := e.record(t, consent.RecordInput{Party: consent.Party{SubjectID: sub}, Purpose: targeted, State: privet.StateRefused})

	sr, err := e.svc.Receipt(ctx, e.tenant, given.ID)
	if err != nil {
		t.Fatal(err)
	}
	r, err := consent.VerifyReceipt(pub, e.tenant, sr.JWS)
	if err != nil {
		t.Fatalf("VerifyReceipt: %v", err)
	}
	if r.ConsentReceiptID != given.ID || r.PiiPrincipalID != sub || r.ConsentState != "given" || r.PiiControllers[0].PiiController != "CIPO Cloud Software Inc" {
		t.Fatalf("verified receipt = %+v", r)
	}
	if _, err := e.svc.Receipt(ctx, e.tenant, refused.ID); privet.ErrorCode(err) != privet.EINVALID || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("refused receipt: %v", err)
	}

	// Another tenant asking for this tenant's event finds nothing.
	owner := e.tenant
	signingTenant(t, e)
	if _, err := e.svc.Receipt(ctx, e.tenant, given.ID); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Fatalf("other tenant: %v, want not found", err)
	}
	if _, err := e.svc.Receipt(ctx, owner, "con_missing"); privet.ErrorCode(err) != privet.ENOTFOUND {
		t.Fatalf("missing event: %v, want not found", err)
	}

	otherPub, _, _ := ed25519.GenerateKey(nil)
	parts := strings.Split(sr.JWS, ".")
	forged := parts[0] + "." + strings.TrimRight(parts[1], "A") + "B." + parts[2]
	bad := []struct {
		name, tenant, jws string
		pub               ed25519.PublicKey
	}{
		{"another key", owner, sr.JWS, otherPub},
		{"another tenant named", "ten_other", sr.JWS, pub},
		{"payload changed", owner, forged, pub},
		{"not a JWS", owner, "hello", pub},
	}
	for _, b := range bad {
		if _, err := consent.VerifyReceipt(b.pub, b.tenant, b.jws); privet.ErrorCode(err) != privet.EUNAUTHORIZED {
			t.Errorf("%s: %v, want unauthorized", b.name, err)
		}
	}
}

func FuzzVerifyReceipt(f *testing.F) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize))
	pub := priv.Public().(ed25519.PublicKey)
	f.Add("eyJhbGciOiJFZERTQSJ9.e30.AAAA")
	f.Add("a.b.c")
	f.Add("")
	f.Fuzz(func(t *testing.T, jws string) {
		r, err := consent.VerifyReceipt(pub, "ten_x", jws)
		if err == nil && (r == nil || r.ConsentReceiptID == "") {
			t.Fatal("an unsigned input verified")
		}
	})
}
