package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/privettest"
)

const batchPurpose = "marketing.communications.email"

// batchSubjects stores n subjects of tenant A in DE, the even ones with a
// given consent to batchPurpose, straight into the store, and returns
// their ids.
func batchSubjects(t testing.TB, e *env, n int) []string {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = privet.NewID(privet.PrefixSubject)
	}
	const perTx = 500 // small: a SQLite transaction's cost grows with the square of its statements
	for first := 0; first < n; first += perTx {
		err := e.services.Store.Update(ctx, func(tx privet.Tx) error {
			for i := first; i < min(first+perTx, n); i++ {
				s := &privet.Subject{ID: ids[i], TenantID: e.tenantA, Jurisdiction: "DE", Status: privet.StatusActive,
					AgeBand: "adult", CreatedAt: now, UpdatedAt: now, LastActivityAt: now}
				if err := tx.CreateSubject(ctx, s); err != nil {
					return err
				}
				if i%2 == 1 {
					continue
				}
				ev := &privet.ConsentEvent{ID: privet.NewID(privet.PrefixConsent), TenantID: e.tenantA, SubjectID: s.ID,
					Purpose: batchPurpose, State: privet.StateGiven, Source: privet.SourceImport, Jurisdiction: "DE", Time: now}
				if err := tx.AppendConsent(ctx, ev); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

func batchBody(ids []string) string {
	b, _ := json.Marshal(map[string]any{"purpose": batchPurpose, "subject_ids": ids})
	return string(b)
}

type batchAnswer struct {
	Decisions []consent.Decision `json:"decisions"`
}

// TestDecideBatchRoute checks the batch's answer and its refusals over HTTP:
// the order given, unknown and other tenants' subjects as not found, the
// limit of 100,000 ids, and errors that name the field.
func TestDecideBatchRoute(t *testing.T) {
	e := newEnv(t)
	ids := batchSubjects(t, e, 4)
	ask := append([]string{"sub_missing"}, ids...)
	w := e.do(t, "POST", "/v1/decisions/batch", e.adminA, batchBody(ask))
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("batch: %d %s: %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	var got batchAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || len(got.Decisions) != len(ask) {
		t.Fatalf("answer: %v: %s", err, w.Body)
	}
	want := []consent.Decision{
		{SubjectID: "sub_missing", Purpose: batchPurpose, Reason: consent.ReasonNotFound},
		{SubjectID: ids[0], Purpose: batchPurpose, Allowed: true, Reason: consent.ReasonConsentGiven, Basis: "consent", Mechanism: "opt_in"},
		{SubjectID: ids[1], Purpose: batchPurpose, Reason: consent.ReasonNoConsent, Basis: "consent", Mechanism: "opt_in"},
	}
	for i, d := range want {
		if got.Decisions[i] != d {
			t.Errorf("decision %d = %+v, want %+v", i, got.Decisions[i], d)
		}
	}
	// Another tenant's key: its subjects do not exist there.
	w = e.do(t, "POST", "/v1/decisions/batch", e.adminB, batchBody(ids[:1]))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"reason":"not_found"`) || strings.Contains(w.Body.String(), `"allowed":true`) {
		t.Fatalf("tenant B: %d: %s", w.Code, w.Body)
	}
	tooMany := make([]string, consent.MaxBatch+1)
	for i := range tooMany {
		tooMany[i] = "sub_x"
	}
	for _, c := range []struct {
		name, body string
		status     int
		field      string
	}{
		{"malformed", `{"purpose":`, http.StatusBadRequest, "body"},
		{"no purpose", `{"subject_ids":["sub_x"]}`, http.StatusUnprocessableEntity, "purpose"},
		{"unknown purpose", `{"purpose":"no.such","subject_ids":["sub_x"]}`, http.StatusUnprocessableEntity, "purpose"},
		{"ids not a list", `{"purpose":"` + batchPurpose + `","subject_ids":"sub_x"}`, http.StatusUnprocessableEntity, "subject_ids"},
		{"an id not a string", `{"purpose":"` + batchPurpose + `","subject_ids":[5]}`, http.StatusUnprocessableEntity, "subject_ids"},
		{"unknown field", `{"purpose":"` + batchPurpose + `","subject_ids":[],"email":"ada@example.com"}`, http.StatusUnprocessableEntity, "email"},
		{"too many", batchBody(tooMany), http.StatusRequestEntityTooLarge, "subject_ids"},
	} {
		w := e.do(t, "POST", "/v1/decisions/batch", e.adminA, c.body)
		if w.Code != c.status || !strings.Contains(w.Body.String(), `"field":"`+c.field+`"`) || strings.Contains(w.Body.String(), "ada@example.com") {
			t.Errorf("%s: %d: %s", c.name, w.Code, w.Body)
		}
	}
}

// BenchmarkDecideBatchHTTP is a batch of 100,000 subject ids through the
// whole HTTP handler: authentication, decoding the ids, deciding, encoding
// the answer. Memory holds every subject already, as on a server that
// decided the list before.
func BenchmarkDecideBatchHTTP(b *testing.B) {
	e := newEnv(b)
	// Memory's profiles stay fresh: the benchmark measures the batch, not
	// the re-read of 100,000 subjects every profile TTL.
	e.services.Consent.Clock = privet.NewManualClock(time.Now())
	ids := batchSubjects(b, e, consent.MaxBatch)
	body := batchBody(ids)
	if w := e.do(b, "POST", "/v1/decisions/batch", e.adminA, body); w.Code != http.StatusOK {
		b.Fatalf("batch: %d: %.200s", w.Code, w.Body)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	cpu := privettest.ProcessCPU()
	for b.Loop() {
		if w := e.do(b, "POST", "/v1/decisions/batch", e.adminA, body); w.Code != http.StatusOK {
			b.Fatalf("batch: %d", w.Code)
		}
	}
	b.ReportMetric(float64(privettest.ProcessCPU()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
}
