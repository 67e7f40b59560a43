package web_test

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/web"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func loadPolicy(t testing.TB) *policy.Compiled {
	t.Helper()
	src, err := examples.FS.ReadFile("cipo-cloud/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.Parse("cipo-cloud/policy.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	// The golden file should not change with every edit of the example.
	pol.Hash = "0123456789abcdef"
	return pol
}

func TestRender(t *testing.T) {
	b, err := web.Render(loadPolicy(t))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range b.Categories {
		keys = append(keys, c.Key)
	}
	if !slices.Equal(keys, []string{"analytics", "preference", "advertising"}) {
		t.Errorf("categories %v", keys)
	}
	ads, ok := b.Category("advertising")
	if !ok || len(ads.Purposes) == 0 || !strings.HasPrefix(ads.Purposes[0], "marketing.advertising") {
		t.Errorf("advertising purposes %v", ads.Purposes)
	}
	if _, ok := b.Category("essential"); ok {
		t.Error("essential cookies are asked about")
	}
	if len(b.Script) > web.MaxScriptBytes {
		t.Errorf("script is %d bytes", len(b.Script))
	}
	for _, banned := range []string{"http://", "https://", "/*{{"} {
		if strings.Contains(string(b.Script), banned) {
			t.Errorf("script contains %q", banned)
		}
	}
	again, err := web.Render(loadPolicy(t))
	if err != nil || again.ETag != b.ETag {
		t.Errorf("the ETag is not stable: %s, %s", b.ETag, again.ETag)
	}
	golden := "testdata/cipo-cloud.banner.js"
	if *update {
		if err := os.WriteFile(golden, b.Script, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != string(b.Script) {
		t.Errorf("the script differs from %s; run go test ./web -update and review the diff", golden)
	}
}

func TestRenderRejects(t *testing.T) {
	tests := []struct {
		name    string
		cookies []policy.Cookie
	}{
		{"an unknown category", []policy.Cookie{{Name: "x", Category: "tracking"}}},
		{"a purpose the policy does not declare", []policy.Cookie{{Name: "x", Category: "analytics", Purpose: "no.such"}}},
		{"a category no purpose covers", []policy.Cookie{{Name: "x", Category: "advertising"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol := loadPolicy(t)
			pol.Policy.Cookies = tt.cookies
			if tt.name == "a category no purpose covers" {
				pol.Policy.Purposes = slices.DeleteFunc(slices.Clone(pol.Policy.Purposes), func(p policy.Purpose) bool {
					return strings.HasPrefix(p.Key, "marketing.advertising")
				})
			}
			if _, err := web.Render(pol); privet.ErrorCode(err) != privet.EINVALID || privet.ErrorField(err) != "cookies" {
				t.Fatalf("error %v, want invalid cookies", err)
			}
		})
	}
	if _, err := web.Render(nil); privet.ErrorCode(err) != privet.EINVALID {
		t.Fatalf("nil policy: %v", err)
	}
}

func TestRenderOnlyEssential(t *testing.T) {
	pol := loadPolicy(t)
	pol.Policy.Cookies = []policy.Cookie{{Name: "session", Category: "essential"}, {Name: "csrf", Category: "security"}}
	b, err := web.Render(pol)
	if err != nil || len(b.Categories) != 0 {
		t.Fatalf("%v, %v", b, err)
	}
}

func TestServeHTTP(t *testing.T) {
	b, err := web.Render(loadPolicy(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, ifNoneMatch string
		status              int
		body                bool
	}{
		{"GET", "", http.StatusOK, true},
		{"HEAD", "", http.StatusOK, false},
		{"GET", b.ETag, http.StatusNotModified, false},
		{"GET", "*", http.StatusNotModified, false},
		{"GET", `"a" ,  ` + b.ETag + ` ,"b"`, http.StatusNotModified, false},
		{"GET", "W/" + b.ETag, http.StatusNotModified, false},
		{"GET", `"stale"`, http.StatusOK, true},
		{"GET", strings.Trim(b.ETag, `"`), http.StatusOK, true},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, "/banner.js", nil)
		if tt.ifNoneMatch != "" {
			r.Header.Set("If-None-Match", tt.ifNoneMatch)
		}
		w := httptest.NewRecorder()
		b.ServeHTTP(w, r)
		if w.Code != tt.status || (w.Body.Len() > 0) != tt.body {
			t.Errorf("%s If-None-Match %q: %d with %d bytes", tt.method, tt.ifNoneMatch, w.Code, w.Body.Len())
		}
		if w.Header().Get("ETag") != b.ETag || !strings.Contains(w.Header().Get("Cache-Control"), "max-age=") {
			t.Errorf("headers %v", w.Header())
		}
	}
}

func FuzzIfNoneMatch(f *testing.F) {
	b, err := web.Render(loadPolicy(f))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", "*", b.ETag, `"a", ` + b.ETag, "W/" + b.ETag, ",,,", " \t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		r := httptest.NewRequest("GET", "/banner.js", nil)
		r.Header.Set("If-None-Match", header)
		w := httptest.NewRecorder()
		b.ServeHTTP(w, r)
		if w.Code != http.StatusOK && w.Code != http.StatusNotModified {
			t.Fatalf("status %d", w.Code)
		}
		if w.Code == http.StatusNotModified && !strings.Contains(header, "*") && !strings.Contains(header, b.ETag) {
			t.Fatalf("304 for %q", header)
		}
	})
}
