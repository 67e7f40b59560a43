package catalog_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/privet-dev/privet/notify/catalog"
)

func load(t *testing.T, files map[string]string) (*catalog.Catalog, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return catalog.Load(fsys)
}

const en = `{"hello": "Hello {name}", "bye": "Goodbye", "due": "By {day} {month}"}`

func TestDefaultLoads(t *testing.T) {
	c, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(c.Languages(), catalog.Fallback) {
		t.Fatalf("languages %v lack %s", c.Languages(), catalog.Fallback)
	}
	for _, id := range c.IDs("en") {
		if s, _ := c.Lookup("en", id); strings.TrimSpace(s) == "" {
			t.Errorf("%s is empty", id)
		}
	}
}

func TestLookupFallsBack(t *testing.T) {
	c, err := load(t, map[string]string{
		"en.json":    en,
		"de.json":    `{"hello": "Hallo {name}"}`,
		"de-AT.json": `{"bye": "Servus"}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ lang, id, want string }{
		{"en", "bye", "Goodbye"},
		{"de", "hello", "Hallo {name}"},
		{"de", "bye", "Goodbye"},           // not translated: English
		{"de-AT", "bye", "Servus"},         // the regional file first
		{"de_at", "hello", "Hallo {name}"}, // then the base language
		{"DE-CH", "hello", "Hallo {name}"}, // an unknown region: the base language
		{"fr", "bye", "Goodbye"},           // an unknown language: English
		{"", "bye", "Goodbye"},             // no language: English
	}
	for _, tt := range tests {
		got, ok := c.Lookup(tt.lang, tt.id)
		if !ok || got != tt.want {
			t.Errorf("Lookup(%q, %q) = %q, %v; want %q", tt.lang, tt.id, got, ok, tt.want)
		}
	}
	if _, ok := c.Lookup("de", "nope"); ok {
		t.Errorf("Lookup found an id no language has")
	}
}

func TestFormat(t *testing.T) {
	c, err := load(t, map[string]string{"en.json": en})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Format("en", "due", map[string]string{"day": "3", "month": "May", "unused": "x"})
	if err != nil || got != "By 3 May" {
		t.Fatalf("Format = %q, %v", got, err)
	}
	// A value that looks like a placeholder is not expanded again.
	got, err = c.Format("en", "hello", map[string]string{"name": "{name}"})
	if err != nil || got != "Hello {name}" {
		t.Fatalf("Format = %q, %v", got, err)
	}
	if _, err := c.Format("en", "hello", nil); err == nil || !strings.Contains(err.Error(), "{name}") {
		t.Errorf("a missing argument: %v", err)
	}
	if _, err := c.Format("en", "nope", nil); err == nil {
		t.Errorf("an unknown id formatted")
	}
}

func TestLoadRejectsBadTranslations(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string
	}{
		{"no english", map[string]string{"de.json": `{"bye": "Tschüss"}`}, "en.json is missing"},
		{"not json", map[string]string{"en.json": en, "de.json": `{"bye": `}, "de.json"},
		{"unknown id", map[string]string{"en.json": en, "de.json": `{"hallo": "Hallo"}`}, "hallo is not an id"},
		{"placeholder renamed", map[string]string{"en.json": en, "de.json": `{"hello": "Hallo {nom}"}`}, "placeholders"},
		{"placeholder dropped", map[string]string{"en.json": en, "de.json": `{"due": "Bis {day}"}`}, "placeholders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, tt.files)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Load = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
	// Reordered placeholders are fine: that is what names are for.
	if _, err := load(t, map[string]string{"en.json": en, "de.json": `{"due": "Bis {month} {day}"}`}); err != nil {
		t.Errorf("reordered placeholders refused: %v", err)
	}
}

func TestPlaceholders(t *testing.T) {
	got := catalog.Placeholders("{b} and {a} and {b}, not {Upper} or { a }")
	if !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Placeholders = %v", got)
	}
}

func FuzzLoadTranslation(f *testing.F) {
	f.Add(`{"hello": "Hallo {name}"}`)
	f.Add(`{"due": "{month}{day}{month}"}`)
	f.Add(`{"bye": "{"}`)
	f.Fuzz(func(t *testing.T, de string) {
		c, err := load(t, map[string]string{"en.json": en, "de.json": de})
		if err != nil {
			return
		}
		// Whatever a translation that loads says, every id formats with
		// the arguments English needs.
		args := map[string]string{"name": "n", "day": "d", "month": "m"}
		for _, id := range c.IDs("en") {
			if _, err := c.Format("de", id, args); err != nil {
				t.Fatalf("%s: %v", id, err)
			}
		}
	})
}
