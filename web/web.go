// Package web renders the cookie banner: one small, dependency-free script
// built from the policy's cookies, rendered once when a policy is loaded and
// served with a content hash as its ETag, so browsers cache it until the
// policy changes.
package web

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"text/template"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

//go:embed banner.js
var bannerSource string

// bannerTemplate is parsed once; the template itself is immutable.
var bannerTemplate = template.Must(template.New("banner.js").Delims("/*{{", "}}*/").Parse(bannerSource))

// MaxScriptBytes bounds the rendered script: it loads on every page view.
const MaxScriptBytes = 8 << 10

// Banner is the rendered script of one policy and what it asks about.
type Banner struct {
	// Script is the JavaScript served at /banner.js.
	Script []byte
	// ETag is a strong validator: the SHA-256 of Script, quoted.
	ETag string
	// Categories are the cookie categories the banner asks about, in order.
	Categories []Category
	// Effective is the policy's effective date (YYYY-MM-DD).
	Effective string
}

// config is what the script learns from the server; json.Marshal escapes
// <, > and &, so it is safe inside a script.
type config struct {
	Service    string     `json:"service"`
	Version    string     `json:"version"`
	Categories []Category `json:"categories"`
}

// Render builds the banner of a policy. A policy whose cookies are all
// essential still gets a script: it asks nothing and tells the page so.
func Render(pol *policy.Compiled) (*Banner, error) {
	if pol == nil || pol.Policy == nil {
		return nil, privet.Errorf(privet.EINVALID, "web: a policy is required")
	}
	cats, err := categoriesOf(pol)
	if err != nil {
		return nil, err
	}
	cfg, err := json.Marshal(config{Service: pol.Policy.Service, Version: pol.Hash, Categories: cats})
	if err != nil {
		return nil, privet.Errorf(privet.EINTERNAL, "web: encode banner config")
	}
	var buf bytes.Buffer
	if err := bannerTemplate.Execute(&buf, string(cfg)); err != nil {
		return nil, privet.Errorf(privet.EINTERNAL, "web: render banner")
	}
	if buf.Len() > MaxScriptBytes {
		return nil, privet.Errorf(privet.ETOOLARGE, "web: the banner script is over %d bytes", MaxScriptBytes)
	}
	sum := sha256.Sum256(buf.Bytes())
	return &Banner{
		Script:     buf.Bytes(),
		ETag:       `"` + hex.EncodeToString(sum[:16]) + `"`,
		Categories: cats,
		Effective:  pol.Policy.Effective,
	}, nil
}

// Category returns the asked category with the key, if the banner has it.
func (b *Banner) Category(key string) (Category, bool) {
	for _, c := range b.Categories {
		if c.Key == key {
			return c, true
		}
	}
	return Category{}, false
}

// ServeHTTP serves the script. Browsers may keep it an hour and then
// revalidate: a new policy changes the ETag, so a choice is asked again
// within the hour after a policy change.
func (b *Banner) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=3600, must-revalidate")
	h.Set("ETag", b.ETag)
	// Pages of any origin include the script; it reads nothing of theirs.
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, b.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(b.Script)
}

// etagMatches reads an If-None-Match list: "*" or comma-separated tags,
// weak ones compared weakly as RFC 9110 asks for GET.
func etagMatches(header, etag string) bool {
	for _, t := range splitList(header) {
		if t == "*" || t == etag || t == "W/"+etag {
			return true
		}
	}
	return false
}

func splitList(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			part := s[start:i]
			for len(part) > 0 && (part[0] == ' ' || part[0] == '\t') {
				part = part[1:]
			}
			for len(part) > 0 && (part[len(part)-1] == ' ' || part[len(part)-1] == '\t') {
				part = part[:len(part)-1]
			}
			if part != "" {
				out = append(out, part)
			}
			start = i + 1
		}
	}
	return out
}
