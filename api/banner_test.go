package api_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/storetest"
)

func TestBannerRoutes(t *testing.T) {
	e := newEnv(t)
	cookie := "visitor_abcdefghijklmnop"
	choice := func(choices string, gpc bool) string {
		g := ""
		if gpc {
			g = `,"gpc":true`
		}
		return `{"tenant":"` + e.tenantA + `","cookie_id":"` + cookie + `","choices":` + choices + g + `}`
	}
	decide := func(purpose string) string {
		return `{"cookie_id":"` + cookie + `","purpose":"` + purpose + `","jurisdiction":"DE"}`
	}
	steps := []struct {
		name                    string
		method, path, key, body string
		header                  []string
		status                  int
		want                    []string
	}{
		{name: "gpc statement", method: "GET", path: "/.well-known/gpc.json", status: http.StatusOK, want: []string{`"gpc":true`, `"lastUpdate":"`}},
		{name: "script", method: "GET", path: "/banner.js?tenant=" + e.tenantA, status: http.StatusOK, want: []string{"privet:consent", `"key":"analytics"`}},
		{name: "script without tenant", method: "GET", path: "/banner.js", status: http.StatusUnprocessableEntity, want: []string{`"field":"tenant"`}},
		{name: "preflight", method: "OPTIONS", path: "/v1/public/consents", status: http.StatusNoContent},
		{name: "unknown category", method: "POST", path: "/v1/public/consents", body: choice(`{"tracking":true}`, false), status: http.StatusUnprocessableEntity, want: []string{`"field":"choices"`}},
		{name: "no choice", method: "POST", path: "/v1/public/consents", body: choice(`{}`, false), status: http.StatusUnprocessableEntity},
		{name: "bad cookie id", method: "POST", path: "/v1/public/consents", body: `{"tenant":"` + e.tenantA + `","cookie_id":"not a cookie id!","choices":{"analytics":true}}`, status: http.StatusUnprocessableEntity},
		{name: "accept analytics", method: "POST", path: "/v1/public/consents", body: choice(`{"analytics":true,"advertising":true}`, false), status: http.StatusNoContent},
		{name: "analytics allowed", method: "POST", path: "/v1/decisions", key: e.adminA, body: decide("analytics.reporting"), status: http.StatusOK, want: []string{`"allowed":true`}},
		{name: "the Sec-GPC header refuses advertising", method: "POST", path: "/v1/public/consents", body: choice(`{"advertising":true}`, false),
			header: []string{"Sec-GPC", "1"}, status: http.StatusNoContent},
		{name: "advertising refused", method: "POST", path: "/v1/decisions", key: e.adminA, body: decide("marketing.advertising.third_party.targeted"), status: http.StatusOK,
			want: []string{`"allowed":false`, `"reason":"refused"`}},
		{name: "another tenant's ledger is untouched", method: "POST", path: "/v1/decisions", key: e.adminB, body: decide("analytics.reporting"), status: http.StatusOK,
			want: []string{`"allowed":false`, `"reason":"no_consent"`}},
	}
	for _, s := range steps {
		w := e.do(t, s.method, s.path, s.key, s.body, s.header...)
		if w.Code != s.status {
			t.Fatalf("%s: %d, want %d: %s", s.name, w.Code, s.status, w.Body)
		}
		for _, want := range s.want {
			if !strings.Contains(w.Body.String(), want) {
				t.Errorf("%s: body lacks %s: %s", s.name, want, w.Body)
			}
		}
	}
}

func TestBannerScriptCaching(t *testing.T) {
	e := newEnv(t)
	w := e.do(t, "GET", "/banner.js?tenant="+e.tenantA, "", "")
	etag := w.Header().Get("ETag")
	if etag == "" || !strings.Contains(w.Header().Get("Cache-Control"), "max-age") || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/javascript") {
		t.Fatalf("headers: %v", w.Header())
	}
	tests := []struct {
		ifNoneMatch string
		status      int
	}{
		{etag, http.StatusNotModified},
		{`"other", ` + etag, http.StatusNotModified},
		{"W/" + etag, http.StatusNotModified},
		{`"other"`, http.StatusOK},
	}
	for _, tt := range tests {
		if w := e.do(t, "GET", "/banner.js?tenant="+e.tenantB, "", "", "If-None-Match", tt.ifNoneMatch); w.Code != tt.status {
			t.Errorf("If-None-Match %s: %d, want %d", tt.ifNoneMatch, w.Code, tt.status)
		}
	}
}

func TestPublicConsentRateLimit(t *testing.T) {
	e := newEnv(t)
	// An empty choice is refused after the limiter has counted it, so the
	// loop is fast and touches no store.
	body := `{"tenant":"` + e.tenantA + `","cookie_id":"visitor_abcdefghijklmnop","choices":{}}`
	for i := range 1000 {
		w := e.do(t, "POST", "/v1/public/consents", "", body)
		if w.Code == http.StatusUnprocessableEntity {
			continue
		}
		if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), `"code":"rate_limited"`) {
			t.Fatalf("request %d: %d: %s", i, w.Code, w.Body)
		}
		if i < 20 {
			t.Fatalf("limited after %d requests, before the burst of 20", i)
		}
		return
	}
	t.Fatal("never limited")
}

// TestBannerChoiceIsOneTransaction: one banner choice (a GPC signal and the
// purposes of two categories) commits every event or none. A failure in the
// middle of the write answers an error and leaves the visitor's ledger and
// decisions as they were; the same choice then records everything.
func TestBannerChoiceIsOneTransaction(t *testing.T) {
	e := newEnv(t)
	const cookie = "visitor_onetransaction_0001"
	cs := e.services.Consent
	faulty := &storetest.Faulty{Store: cs.Store}
	cs.Store = faulty
	ctx := context.Background()
	ledger := func() []*privet.ConsentEvent {
		t.Helper()
		evs, err := cs.Events(ctx, e.tenantA, consent.Party{CookieID: cookie}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	decide := func() string {
		return `{"cookie_id":"` + cookie + `","purpose":"analytics.reporting","jurisdiction":"DE"}`
	}
	choice := `{"tenant":"` + e.tenantA + `","cookie_id":"` + cookie + `","choices":{"analytics":true,"advertising":true}}`
	for _, at := range []int32{1, 2, 3} {
		faulty.Reset(at)
		if w := e.do(t, "POST", "/v1/public/consents", "", choice, "Sec-GPC", "1"); w.Code != http.StatusServiceUnavailable {
			t.Fatalf("failing at event %d: %d: %s", at, w.Code, w.Body)
		}
		if evs := ledger(); len(evs) != 0 {
			t.Fatalf("failing at event %d: %d events recorded, want none", at, len(evs))
		}
		if w := e.do(t, "POST", "/v1/decisions", e.adminA, decide()); !strings.Contains(w.Body.String(), `"reason":"no_consent"`) {
			t.Fatalf("failing at event %d: decision %s", at, w.Body)
		}
	}
	faulty.Reset(0)
	if w := e.do(t, "POST", "/v1/public/consents", "", choice, "Sec-GPC", "1"); w.Code != http.StatusNoContent {
		t.Fatalf("choice: %d: %s", w.Code, w.Body)
	}
	evs := ledger()
	if len(evs) < 3 || evs[0].Source != privet.SourceGPC {
		t.Fatalf("ledger: %d events, want the GPC signal first and every purpose", len(evs))
	}
	for _, ev := range evs[1:] {
		if ev.Source != privet.SourceBanner || ev.Seq != evs[0].Seq+int64(slices.Index(evs, ev)) {
			t.Errorf("event %+v: not a banner event of the same write", ev)
		}
	}
	if w := e.do(t, "POST", "/v1/decisions", e.adminA, decide()); !strings.Contains(w.Body.String(), `"reason":"consent_given"`) {
		t.Fatalf("decision after the choice: %s", w.Body)
	}
}
