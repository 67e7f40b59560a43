// Package catalog holds every human-readable string of privet's messages,
// keyed by message id and language, so translating a message is adding one
// file and never touching a template. messages/en.json is complete; another
// language (messages/de.json, messages/pt-br.json) may translate any subset,
// and what it leaves out falls back to English.
//
// Strings are plain text with named placeholders in braces ("We will answer
// by {due_at}."), so a translation can put them in any order.
package catalog

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Fallback is the language every lookup ends at; its file must hold every id.
const Fallback = "en"

//go:embed messages/*.json
var embedded embed.FS

// Catalog is a set of languages, each a map from message id to string. It
// is read-only after Load and safe for concurrent use.
type Catalog struct {
	langs map[string]map[string]string
}

// placeholder matches {name} in a catalog string.
var placeholder = regexp.MustCompile(`\{([a-z_]+)\}`)

// Default returns the catalog built into privet.
func Default() (*Catalog, error) {
	sub, err := fs.Sub(embedded, "messages")
	if err != nil {
		return nil, err
	}
	return Load(sub)
}

// Load reads every <lang>.json in the top directory of fsys. The file of
// Fallback must exist; every other language may only use ids Fallback has,
// with the same placeholders, so a translation that would render wrongly is
// an error at start rather than in someone's inbox.
func Load(fsys fs.FS) (*Catalog, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	c := &Catalog{langs: map[string]map[string]string{}}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", name, err)
		}
		c.langs[Normalize(strings.TrimSuffix(path.Base(name), ".json"))] = m
	}
	en, ok := c.langs[Fallback]
	if !ok {
		return nil, fmt.Errorf("catalog: %s.json is missing", Fallback)
	}
	for lang, m := range c.langs {
		for id, s := range m {
			base, ok := en[id]
			if !ok {
				return nil, fmt.Errorf("catalog %s.json: %s is not an id of %s.json", lang, id, Fallback)
			}
			if !slices.Equal(Placeholders(s), Placeholders(base)) {
				return nil, fmt.Errorf("catalog %s.json: %s has placeholders %v, want %v", lang, id, Placeholders(s), Placeholders(base))
			}
		}
	}
	return c, nil
}

// Normalize is the catalog's form of a language tag: lower case, with
// hyphens ("pt_BR" → "pt-br").
func Normalize(lang string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-"))
}

// Languages lists the catalog's languages, sorted.
func (c *Catalog) Languages() []string { return slices.Sorted(maps.Keys(c.langs)) }

// IDs lists the ids of a language's file, sorted.
func (c *Catalog) IDs(lang string) []string {
	return slices.Sorted(maps.Keys(c.langs[Normalize(lang)]))
}

// Lookup returns the string of id in lang, trying the tag itself ("de-at"),
// then its base language ("de"), then Fallback.
func (c *Catalog) Lookup(lang, id string) (string, bool) {
	lang = Normalize(lang)
	for _, l := range []string{lang, strings.SplitN(lang, "-", 2)[0], Fallback} {
		if s, ok := c.langs[l][id]; ok {
			return s, true
		}
	}
	return "", false
}

// Format looks id up and fills its placeholders from args. An unknown id or
// a placeholder without an argument is an error; unused arguments are
// ignored, so one set of arguments serves every language.
func (c *Catalog) Format(lang, id string, args map[string]string) (string, error) {
	s, ok := c.Lookup(lang, id)
	if !ok {
		return "", fmt.Errorf("catalog: no message %s", id)
	}
	var missing string
	out := placeholder.ReplaceAllStringFunc(s, func(p string) string {
		name := p[1 : len(p)-1]
		v, ok := args[name]
		if !ok && missing == "" {
			missing = name
		}
		return v
	})
	if missing != "" {
		return "", fmt.Errorf("catalog: message %s needs {%s}", id, missing)
	}
	return out, nil
}

// Placeholders returns the names of s's placeholders, sorted and without
// repeats.
func Placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}
