package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/privet-dev/privet/examples"
)

// versionSource is the example policy under another version and date.
func versionSource(t *testing.T, version, effective string, edits ...string) string {
	t.Helper()
	src, err := examples.FS.ReadFile("cipo-cloud/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(src), `version: "2021-02-05"`, `version: "`+version+`"`, 1)
	s = strings.Replace(s, `effective: "2021-02-05"`, `effective: "`+effective+`"`, 1)
	for i := 0; i+1 < len(edits); i += 2 {
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	return s
}

func publishBody(t *testing.T, source string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"source": source}
	for k, v := range extra {
		body[k] = v
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func publishVersion(t *testing.T, e *env, key, version, effective string) {
	t.Helper()
	w := e.do(t, http.MethodPost, "/v1/policy/versions", key, publishBody(t, versionSource(t, version, effective), nil))
	if w.Code != http.StatusCreated {
		t.Fatalf("publish %s: %d %s", version, w.Code, w.Body)
	}
}

func TestPolicyVersionRoutes(t *testing.T) {
	e := newEnv(t)
	publishVersion(t, e, e.adminA, "v1", "2021-03-01")
	widen := []string{
		"categories: [user.contact.email, user.name, user.professional_information]\n    basis: {EU: consent",
		"categories: [user.contact.email, user.name, user.professional_information, user.contact.phone_number]\n    basis: {EU: consent",
	}
	widened := versionSource(t, "v2", "2099-01-01", widen...)
	cases := []struct {
		name, method, path, key, body string
		status                        int
		want, notWant                 []string
	}{
		{"publish material", "POST", "/v1/policy/versions", e.adminA, publishBody(t, widened, nil), 201,
			[]string{`"material":true`, `"notices_scheduled":true`, `"previous":"v1"`, `"kind":"categories_widened"`}, nil},
		{"publish invalid", "POST", "/v1/policy/versions", e.adminA,
			publishBody(t, versionSource(t, "bad", "2099-01-01", "basis: {EU: consent", "basis: {EU: maybe"), map[string]any{"name": "p.yaml"}), 422,
			[]string{`"code":"invalid"`, `p.yaml:`, `"field":"purposes[`}, nil},
		{"publish material too soon", "POST", "/v1/policy/versions", e.adminA,
			publishBody(t, versionSource(t, "v3", "2021-04-01", widen...), nil),
			422, []string{`"field":"effective"`}, nil},
		{"publish needs admin", "POST", "/v1/policy/versions", e.readerA, publishBody(t, versionSource(t, "v9", "2021-03-01"), nil), 403, nil, nil},
		{"publish duplicate", "POST", "/v1/policy/versions", e.adminA, publishBody(t, versionSource(t, "v1", "2021-03-01"), nil), 409, nil, nil},
		{"list", "GET", "/v1/policy/versions", e.readerA, "", 200,
			[]string{`"version":"v1"`, `"status":"in_force"`, `"version":"v2"`, `"status":"scheduled"`}, []string{`"source"`, `"bad"`, `"v3"`}},
		{"get", "GET", "/v1/policy/versions/v1", e.readerA, "", 200, []string{`"source":"# CIPO Cloud`, `"sha256":"`}, nil},
		{"diff", "GET", "/v1/policy/diff?from=v1&to=v2", e.readerA, "", 200, []string{`"kind":"categories_widened"`, `"material":true`}, nil},
		{"diff missing", "GET", "/v1/policy/diff?from=v1&to=nope", e.readerA, "", 404, []string{`"field":"to"`}, nil},
		// P16: a site announces the coming material change, without a key.
		{"announce", "GET", "/v1/public/policy?tenant=" + e.tenantA, "", "", 200,
			[]string{`"in_force":{"version":"v1"`, `"upcoming":[{"version":"v2"`, `"material":true`, `"kind":"categories_widened"`}, nil},
		{"announce another tenant", "GET", "/v1/public/policy?tenant=" + e.tenantB, "", "", 200,
			[]string{`"in_force":{"version":"2021-02-05"`, `"upcoming":[]`}, []string{`"v2"`}},
		{"announce without tenant", "GET", "/v1/public/policy?tenant=nobody", "", "", 422, []string{`"field":"tenant"`}, nil},
		{"other tenant's version", "GET", "/v1/policy/versions/v1", e.adminB, "", 404, nil, nil},
		{"other tenant's list", "GET", "/v1/policy/versions", e.adminB, "", 200, []string{`"versions":[]`}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := e.do(t, c.method, c.path, c.key, c.body)
			if w.Code != c.status {
				t.Fatalf("%s %s = %d %s, want %d", c.method, c.path, w.Code, w.Body, c.status)
			}
			for _, s := range c.want {
				if !strings.Contains(w.Body.String(), s) {
					t.Errorf("body lacks %s: %s", s, w.Body)
				}
			}
			for _, s := range c.notWant {
				if strings.Contains(w.Body.String(), s) {
					t.Errorf("body has %s: %s", s, w.Body)
				}
			}
		})
	}
}
