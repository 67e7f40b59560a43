package requests_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/requests"
)

func TestReport(t *testing.T) {
	e := newEnv(t, "pypeserver")
	ctx := context.Background()
	// Three people ask to know; answered in 2, 4 and 9 days. A fourth is
	// refused after a day; a fifth is still open.
	for _, wait := range []int{2, 4, 9} {
		sub := e.subject(t, "US-CA", privet.NewID("p")+"@example.com")
		if _, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "know"}); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(day(wait))
		e.drain(t)
		e.clock.Set(start)
	}
	sub := e.subject(t, "US-CA", "x@example.com")
	f, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "erasure"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(day(1))
	if _, err := e.svc.Deny(ctx, e.actor, e.tenant, f.Request.ID, requests.DenyExcessive); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.File(ctx, e.actor, e.tenant, requests.FileInput{SubjectID: sub, Type: "rectification", Corrections: map[string]string{"name": "X"}}); err != nil {
		t.Fatal(err)
	}

	rep, err := e.svc.Report(ctx, e.tenant, start.AddDate(0, 0, -1), start.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]requests.TypeReport{}
	for _, tr := range rep.Types {
		got[tr.Type] = tr
	}
	if k := got["know"]; k.Received != 3 || k.CompliedWhole != 3 || k.MedianDays != 4 || k.MeanDays != 5 {
		t.Errorf("know: %+v", k)
	}
	if d := got["erasure"]; d.Received != 1 || d.Denied != 1 || d.DeniedBy[requests.DenyExcessive] != 1 || d.MeanDays != 1 {
		t.Errorf("erasure: %+v", d)
	}
	if r := got["rectification"]; r.Received != 1 || r.Open != 1 {
		t.Errorf("rectification: %+v", r)
	}
	var csv bytes.Buffer
	if err := rep.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), "erasure,1,0,0,0,1,excessive=1,0,0,1.0,1.0") {
		t.Errorf("csv:\n%s", csv.String())
	}
	_, err = e.svc.Report(ctx, e.tenant, start, start)
	wantCode(t, err, privet.EINVALID)
}
