package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type linkAnswer struct {
	URL     string `json:"url"`
	Headers struct {
		ListUnsubscribe     string `json:"List-Unsubscribe"`
		ListUnsubscribePost string `json:"List-Unsubscribe-Post"`
	} `json:"headers"`
}

func (e *channelEnv) link(t *testing.T, body string, header ...string) linkAnswer {
	t.Helper()
	w := e.do(t, "POST", "/v1/unsubscribe/links", e.writer, body, header...)
	if w.Code != 200 {
		t.Fatalf("create link: %d %s", w.Code, w.Body)
	}
	var a linkAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// oneClick posts as a mail client does under RFC 8058.
func (e *channelEnv) oneClick(t *testing.T, path string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	e.server.Handler().ServeHTTP(w, req)
	return w
}

func TestUnsubscribeOneClick(t *testing.T) {
	e := newChannelEnv(t)
	sub := e.subjectWithPhone(t, "+14155550100")
	a := e.link(t, `{"subject_id":"`+sub+`","purpose":"`+pypeEmail+`"}`)
	if !strings.HasPrefix(a.URL, "http://example.com/u/") || a.Headers.ListUnsubscribe != "<"+a.URL+">" ||
		a.Headers.ListUnsubscribePost != "List-Unsubscribe=One-Click" {
		t.Fatalf("link %+v", a)
	}
	path := strings.TrimPrefix(a.URL, "http://example.com")

	// A scanner fetching the link changes nothing.
	w := e.do(t, "GET", path, "", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `<form method="post">`) || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET: %d %s %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	if !e.allowed(t, sub, pypeEmail) || len(e.events(t, sub)) != 0 {
		t.Fatal("GET changed the consent")
	}

	// Tampered and forged tokens: 400, nothing recorded.
	token := strings.TrimPrefix(path, "/u/")
	tampered := token[:10] + string(rune('A'+(token[10]-'A'+1)%26)) + token[11:]
	for _, bad := range []string{"/u/" + tampered, "/u/AAAA", "/u/" + token + "x"} {
		for _, method := range []string{"GET", "POST"} {
			var w *httptest.ResponseRecorder
			if method == "GET" {
				w = e.do(t, method, bad, "", "")
			} else {
				w = e.oneClick(t, bad)
			}
			if w.Code != 400 || w.Header().Get("Content-Type") != "application/problem+json" || !strings.Contains(w.Body.String(), `"code":"invalid"`) {
				t.Fatalf("%s %s: %d %s", method, bad, w.Code, w.Body)
			}
		}
	}
	if len(e.events(t, sub)) != 0 {
		t.Fatal("a bad token recorded something")
	}

	// The one-click POST has recorded the withdrawal when it answers.
	w = e.oneClick(t, path)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "unsubscribed") {
		t.Fatalf("POST: %d %s", w.Code, w.Body)
	}
	if e.allowed(t, sub, pypeEmail) {
		t.Fatal("still allowed after unsubscribing")
	}
	evs := e.events(t, sub)
	if len(evs) != 1 || evs[0].Source != "email_link" || evs[0].State != "withdrawn" || evs[0].Purpose != pypeEmail {
		t.Fatalf("events %+v", evs)
	}

	// Mail clients may post multipart/form-data instead; a repeat is harmless.
	req := httptest.NewRequest("POST", path, strings.NewReader("--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b--\r\n"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	w = httptest.NewRecorder()
	e.server.Handler().ServeHTTP(w, req)
	if w.Code != 200 || len(e.events(t, sub)) != 2 || e.allowed(t, sub, pypeEmail) {
		t.Fatalf("multipart POST: %d %s", w.Code, w.Body)
	}
}

func TestUnsubscribeLinkInputs(t *testing.T) {
	e := newChannelEnv(t)
	sub := e.subjectWithPhone(t, "+14155550100")
	tests := []struct {
		name   string
		body   string
		header []string
		status int
		prefix string
		field  string
	}{
		{name: "base_url", body: `{"subject_id":"` + sub + `","purpose":"` + pypeEmail + `","base_url":"https://privacy.example.org/p/"}`,
			status: 200, prefix: "https://privacy.example.org/p/u/"},
		{name: "forwarded proto", body: `{"subject_id":"` + sub + `","purpose":"` + pypeEmail + `"}`, header: []string{"X-Forwarded-Proto", "https"},
			status: 200, prefix: "https://example.com/u/"},
		{name: "ttl", body: `{"subject_id":"` + sub + `","purpose":"` + pypeEmail + `","ttl":"24h"}`, status: 200, prefix: "http://example.com/u/"},
		{name: "bad ttl", body: `{"subject_id":"` + sub + `","purpose":"` + pypeEmail + `","ttl":"soon"}`, status: 422, field: "ttl"},
		{name: "ttl too long", body: `{"subject_id":"` + sub + `","purpose":"` + pypeEmail + `","ttl":"9000h"}`, status: 422, field: "ttl"},
		{name: "base_url with query", body: `{"subject_id":"` + sub + `","purpose":"` + pypeEmail + `","base_url":"https://x.org/?a=b"}`, status: 422, field: "base_url"},
		{name: "base_url not http", body: `{"subject_id":"` + sub + `","purpose":"` + pypeEmail + `","base_url":"javascript:alert(1)"}`, status: 422, field: "base_url"},
		{name: "unknown purpose", body: `{"subject_id":"` + sub + `","purpose":"nothing.here"}`, status: 422, field: "purpose"},
		{name: "unknown subject", body: `{"subject_id":"sub_nope","purpose":"` + pypeEmail + `"}`, status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do(t, "POST", "/v1/unsubscribe/links", e.writer, tt.body, tt.header...)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if tt.prefix != "" && !strings.Contains(w.Body.String(), `"url":"`+tt.prefix) {
				t.Fatalf("url lacks %s: %s", tt.prefix, w.Body)
			}
			if tt.field != "" && !strings.Contains(w.Body.String(), `"field":"`+tt.field+`"`) {
				t.Fatalf("no field %s: %s", tt.field, w.Body)
			}
		})
	}
	// Another tenant's subject is not found.
	if w := e.do(t, "POST", "/v1/unsubscribe/links", e.adminB, `{"subject_id":"`+sub+`","purpose":"`+pypeEmail+`"}`); w.Code != http.StatusNotFound {
		t.Fatalf("tenant B: %d %s", w.Code, w.Body)
	}
}
