package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// TestTransfersAndComplaints drives D11 and the complaints register from the
// command line: a transfer abroad refused until the subject consents, and a
// complaint created, listed, answered.
func TestTransfersAndComplaints(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	pol := filepath.Join("..", "..", "transfer", "testdata", "cn-abroad.yaml")
	code, out, errOut := run(t, "init", "--tenant-name", "Acme", "--data-dir", data)
	if code != 0 {
		t.Fatalf("init: %s", errOut)
	}
	tenant := regexp.MustCompile(`tenant (ten_\w+)`).FindStringSubmatch(out)[1]
	cli := func(args ...string) (int, string, string) {
		return run(t, append(args, "--data-dir", data, "--policy", pol, "--tenant", tenant)...)
	}

	compiled, err := policy.Load(pol)
	if err != nil {
		t.Fatal(err)
	}
	m := openTestMain(t, data)
	m.setPolicy(compiled)
	ctx := context.Background()
	sub, err := m.Vault.Create(ctx, tenancy.Operator(), tenant, vault.CreateInput{
		Jurisdiction: "CN", Identities: []vault.IdentityInput{{Type: privet.IdentityPhone, Value: "+8613800138000"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	check := []string{"transfers", "check", "--subject", sub.ID, "--recipient", "overseas_support",
		"--purpose", "essential.service.payment_processing", "--categories", "user.name,user.contact.phone_number"}
	if code, out, errOut := cli(check...); code != exitFailure || !strings.Contains(errOut, "no_transfer_consent") || !strings.Contains(out, `"allowed": false`) {
		t.Fatalf("before consent: exit %d %s %s", code, out, errOut)
	}
	if _, err := m.Consent.Record(ctx, tenancy.Operator(), tenant, consent.RecordInput{
		Party: consent.Party{SubjectID: sub.ID}, Purpose: "essential.service.sharing", State: privet.StateGiven, Source: privet.SourceAdmin,
	}); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := cli(check...); code != 0 || !strings.Contains(out, `"allowed": true`) {
		t.Fatalf("after consent: exit %d %s %s", code, out, errOut)
	}
	if code, out, errOut := cli("transfers", "report", "--subject", sub.ID); code != 0 || !strings.Contains(out, `"recipient": "overseas_support"`) {
		t.Fatalf("report: exit %d %s %s", code, out, errOut)
	}
	if code, _, errOut := cli("transfers", "check", "--subject", sub.ID); code != exitUsage {
		t.Errorf("missing flags: exit %d %s", code, errOut)
	}

	code, out, errOut = cli("complaints", "create", "--channel", "web", "--subject", sub.ID, "--reference", "CS-88", "--received-at", "2026-03-06T10:00:00Z")
	if code != 0 || !strings.Contains(out, `"due_at": "2026-03-27T10:00:00Z"`) {
		t.Fatalf("create: exit %d %s %s", code, out, errOut)
	}
	id := regexp.MustCompile(`"id": "(cmp_\w+)"`).FindStringSubmatch(out)[1]
	if code, out, _ := cli("complaints", "list"); code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "1 open, 0 escalated, 0 answered") {
		t.Fatalf("list: exit %d %s", code, out)
	}
	if code, out, _ := cli("complaints", "answer", id); code != 0 || !strings.Contains(out, `"status": "answered"`) {
		t.Fatalf("answer: exit %d %s", code, out)
	}
	if code, _, errOut := cli("complaints", "answer", id); code != exitFailure || !strings.Contains(errOut, "answered already") {
		t.Errorf("answer twice: exit %d %s", code, errOut)
	}
	if code, _, errOut := cli("complaints", "create", "--channel", "web", "--reference", "my landlord got my data"); code != exitFailure || !strings.Contains(errOut, "ticket reference") {
		t.Errorf("text as reference: exit %d %s", code, errOut)
	}

	// D10: an ended entrustment is outstanding until the deletion is confirmed.
	code, out, errOut = cli("processors", "end", "--recipient", "entrusted_processors", "--reference", "DPA-1")
	if code != 0 {
		t.Fatalf("end: exit %d %s", code, errOut)
	}
	pid := regexp.MustCompile(`"id": "(pre_\w+)"`).FindStringSubmatch(out)[1]
	if code, out, _ := cli("processors", "list", "--outstanding"); code != 0 || !strings.Contains(out, pid+"  entrusted_processors") || !strings.Contains(out, "outstanding") {
		t.Fatalf("list: exit %d %s", code, out)
	}
	if code, _, errOut := cli("processors", "confirm", pid); code != 0 {
		t.Fatalf("confirm: exit %d %s", code, errOut)
	}
	if code, out, _ := cli("processors", "list", "--outstanding"); code != 0 || strings.Contains(out, pid) {
		t.Errorf("still outstanding: %s", out)
	}

	// K6: a gagged disclosure to an authority queues no notice until lifted.
	code, out, errOut = cli("disclosures", "authority", "--subject", sub.ID, "--recipient", "regulators", "--legal-basis", "statute",
		"--categories", "user.name", "--gag")
	if code != 0 || !strings.Contains(out, `"notice": "withheld"`) {
		t.Fatalf("authority: exit %d %s %s", code, out, errOut)
	}
	did := regexp.MustCompile(`"id": "(dis_\w+)"`).FindStringSubmatch(out)[1]
	if code, out, errOut := cli("disclosures", "lift-gag", did); code != 0 || !strings.Contains(out, `"notice": "pending"`) {
		t.Fatalf("lift: exit %d %s %s", code, out, errOut)
	}
}
