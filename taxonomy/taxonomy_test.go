package taxonomy_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/taxonomy"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestKnownKeys(t *testing.T) {
	tx := taxonomy.Default()
	tests := []struct {
		kind      taxonomy.Kind
		key, name string
		parent    string
	}{
		{taxonomy.Category, "user.contact.email", "User Contact Email", "user.contact"},
		{taxonomy.Category, "user.contact.phone_number", "User Contact Phone Number", "user.contact"},
		{taxonomy.Category, "user.name", "Name", "user"},
		{taxonomy.Category, "user.financial", "Financial Data", "user"},
		{taxonomy.Category, "user.government_id", "Government ID", "user"},
		{taxonomy.Category, "user", "User Data", ""},
		{taxonomy.Category, "system.operations", "Operations Data", "system"},
		{taxonomy.Use, "marketing.communications.email", "Marketing Email Communications", "marketing.communications"},
		{taxonomy.Use, "essential.service", "Essential for Service", "essential"},
		{taxonomy.Use, "essential", "Essential", ""},
		{taxonomy.Subject, "customer", "Customer", ""},
		{taxonomy.Subject, "supplier_vendor", "Supplier/Vendor", ""},
	}
	for _, tc := range tests {
		t.Run(string(tc.kind)+"/"+tc.key, func(t *testing.T) {
			if !tx.Has(tc.kind, tc.key) {
				t.Fatal("missing")
			}
			e, ok := tx.Get(tc.kind, tc.key)
			if !ok || e.Key != tc.key || e.Name != tc.name || e.Parent != tc.parent || e.Description == "" {
				t.Fatalf("Get = %+v, %v", e, ok)
			}
		})
	}
	// A key of one tree is not a key of another.
	if tx.Has(taxonomy.Use, "user.contact.email") || tx.Has(taxonomy.Category, "essential") {
		t.Fatal("trees are mixed up")
	}
	if _, ok := tx.Get(taxonomy.Category, "user.nope"); ok {
		t.Fatal("Get found an unknown key")
	}
}

// The counts are those fideslang's own tests assert for its 3.2.0 taxonomy.
func TestCounts(t *testing.T) {
	tx := taxonomy.Default()
	for kind, want := range map[taxonomy.Kind]int{taxonomy.Category: 123, taxonomy.Use: 56, taxonomy.Subject: 15} {
		if got := len(tx.Keys(kind)); got != want {
			t.Errorf("%s: %d keys, want %d", kind, got, want)
		}
	}
	if v := taxonomy.Version(); v != "3.2.0" {
		t.Errorf("Version() = %q", v)
	}
}

func TestTreesAreWellFormed(t *testing.T) {
	tx := taxonomy.Default()
	for _, kind := range taxonomy.Kinds() {
		for _, key := range tx.Keys(kind) {
			e, _ := tx.Get(kind, key)
			if e.Parent != taxonomy.ParentKey(key) {
				t.Errorf("%s %s: parent %q, want %q", kind, key, e.Parent, taxonomy.ParentKey(key))
			}
			if e.Parent != "" && !tx.Has(kind, e.Parent) {
				t.Errorf("%s %s: parent %q missing", kind, key, e.Parent)
			}
			if e.Name == "" || e.Description == "" {
				t.Errorf("%s %s: empty name or description", kind, key)
			}
			if r, ok := tx.ReplacedBy(kind, key); ok && !tx.Has(kind, r) {
				t.Errorf("%s %s: replaced by missing key %q", kind, key, r)
			}
		}
	}
}

func TestReplacedBy(t *testing.T) {
	tx := taxonomy.Default()
	tests := []struct {
		key, want string
		ok        bool
	}{
		{"user.biometric", "user.biometrics", true},
		{"user.contact.url", "user.contact.social_url", true},
		{"user.unique_id.pseudonymous", "user.unique_id", true},
		{"user.contact.email", "", false},
	}
	for _, tc := range tests {
		got, ok := tx.ReplacedBy(taxonomy.Category, tc.key)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ReplacedBy(%s) = %q, %v; want %q, %v", tc.key, got, ok, tc.want, tc.ok)
		}
	}
	if got, ok := tx.ReplacedBy(taxonomy.Use, "personalize.profiling"); !ok || got != "personalize.content.profiling" {
		t.Errorf("use personalize.profiling replaced by %q, %v", got, ok)
	}
}

func TestIsUnder(t *testing.T) {
	tx := taxonomy.Default()
	tests := []struct {
		kind          taxonomy.Kind
		key, ancestor string
		want          bool
	}{
		{taxonomy.Category, "user.contact.email", "user.contact.email", true},
		{taxonomy.Category, "user.contact.email", "user.contact", true},
		{taxonomy.Category, "user.contact.address.city", "user", true},
		{taxonomy.Category, "user.contact", "user.contact.email", false},
		{taxonomy.Category, "user.contact.email", "user.name", false},
		{taxonomy.Category, "user.contact.email", "system", false},
		{taxonomy.Category, "user.nope", "user", false},
		{taxonomy.Category, "user.contact", "user.nope", false},
		{taxonomy.Use, "marketing.communications.email", "marketing", true},
		{taxonomy.Use, "marketing.communications.email", "user", false},
		{taxonomy.Subject, "customer", "customer", true},
	}
	for _, tc := range tests {
		if got := tx.IsUnder(tc.kind, tc.key, tc.ancestor); got != tc.want {
			t.Errorf("IsUnder(%s, %s, %s) = %v, want %v", tc.kind, tc.key, tc.ancestor, got, tc.want)
		}
	}
}

func TestAdd(t *testing.T) {
	tests := []struct {
		name     string
		kind     taxonomy.Kind
		entry    taxonomy.Entry
		wantCode string // "" means success
	}{
		{"child of a default key", taxonomy.Category, taxonomy.Entry{Key: "user.contact.email.work", Name: "Work email"}, ""},
		{"with matching parent", taxonomy.Use, taxonomy.Entry{Key: "marketing.communications.push", Parent: "marketing.communications"}, ""},
		{"digits after a letter", taxonomy.Category, taxonomy.Entry{Key: "user.contact.address2"}, ""},
		{"existing key", taxonomy.Category, taxonomy.Entry{Key: "user.contact.email"}, privet.ECONFLICT},
		{"missing parent", taxonomy.Category, taxonomy.Entry{Key: "user.nope.thing"}, privet.EINVALID},
		{"root key", taxonomy.Category, taxonomy.Entry{Key: "custom"}, privet.EINVALID},
		{"wrong parent", taxonomy.Category, taxonomy.Entry{Key: "user.contact.fax2", Parent: "user"}, privet.EINVALID},
		{"upper case", taxonomy.Category, taxonomy.Entry{Key: "user.contact.Work"}, privet.EINVALID},
		{"hyphen", taxonomy.Category, taxonomy.Entry{Key: "user.contact.work-email"}, privet.EINVALID},
		{"empty segment", taxonomy.Category, taxonomy.Entry{Key: "user..email"}, privet.EINVALID},
		{"trailing dot", taxonomy.Category, taxonomy.Entry{Key: "user.contact."}, privet.EINVALID},
		{"leading digit", taxonomy.Category, taxonomy.Entry{Key: "user.contact.2nd"}, privet.EINVALID},
		{"leading underscore", taxonomy.Category, taxonomy.Entry{Key: "user.contact._x"}, privet.EINVALID},
		{"empty", taxonomy.Category, taxonomy.Entry{}, privet.EINVALID},
		{"unknown kind", taxonomy.Kind("thing"), taxonomy.Entry{Key: "user.x"}, privet.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx := taxonomy.Default()
			err := tx.Add(tc.kind, tc.entry)
			if code := privet.ErrorCode(err); code != tc.wantCode {
				t.Fatalf("Add(%+v) = %v, want code %q", tc.entry, err, tc.wantCode)
			}
			if tc.wantCode != "" {
				if tc.entry.Key != "" && !strings.Contains(err.Error(), tc.entry.Key) {
					t.Fatalf("error %q does not name the key", err)
				}
				return
			}
			e, ok := tx.Get(tc.kind, tc.entry.Key)
			if !ok || e.Parent != taxonomy.ParentKey(tc.entry.Key) {
				t.Fatalf("after Add: %+v, %v", e, ok)
			}
			if !tx.IsUnder(tc.kind, tc.entry.Key, taxonomy.ParentKey(tc.entry.Key)) {
				t.Fatal("added key is not under its parent")
			}
		})
	}
}

func TestAddBuildsOnAddedKeys(t *testing.T) {
	tx := taxonomy.Default()
	for _, key := range []string{"user.custom", "user.custom.loyalty", "user.custom.loyalty.tier"} {
		if err := tx.Add(taxonomy.Category, taxonomy.Entry{Key: key}); err != nil {
			t.Fatalf("Add(%s): %v", key, err)
		}
	}
	if !tx.IsUnder(taxonomy.Category, "user.custom.loyalty.tier", "user") {
		t.Fatal("deep added key not under user")
	}
}

func TestDefaultAndCloneAreIndependent(t *testing.T) {
	a := taxonomy.Default()
	if err := a.Add(taxonomy.Category, taxonomy.Entry{Key: "user.contact.pager"}); err != nil {
		t.Fatal(err)
	}
	if taxonomy.Default().Has(taxonomy.Category, "user.contact.pager") {
		t.Fatal("an extension leaked into Default")
	}
	b := a.Clone()
	if !b.Has(taxonomy.Category, "user.contact.pager") {
		t.Fatal("Clone lost an added key")
	}
	if err := b.Add(taxonomy.Category, taxonomy.Entry{Key: "user.contact.telex"}); err != nil {
		t.Fatal(err)
	}
	if a.Has(taxonomy.Category, "user.contact.telex") {
		t.Fatal("an extension of a clone leaked into its original")
	}
}

func TestConcurrentDefault(t *testing.T) {
	done := make(chan bool)
	for range 8 {
		go func() {
			tx := taxonomy.Default()
			done <- tx.Add(taxonomy.Category, taxonomy.Entry{Key: "user.contact.x"}) == nil
		}()
	}
	for range 8 {
		if !<-done {
			t.Fatal("a fresh Default already had the key another goroutine added")
		}
	}
}

// The golden file lists every key of the embedded taxonomy, so a change to
// the data shows up as a reviewable diff. Run with -update to rewrite it.
func TestKeysGolden(t *testing.T) {
	tx := taxonomy.Default()
	var b strings.Builder
	for _, kind := range taxonomy.Kinds() {
		for _, key := range tx.Keys(kind) {
			e, _ := tx.Get(kind, key)
			mark := ""
			if r, ok := tx.ReplacedBy(kind, key); ok {
				mark = " -> " + r
			}
			b.WriteString(string(kind) + " " + key + "\t" + e.Name + mark + "\n")
		}
	}
	path := filepath.Join("testdata", "keys.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Fatal("keys differ from testdata/keys.golden; run go test -update if the change is intended")
	}
}

func FuzzAdd(f *testing.F) {
	for _, s := range []string{"user.contact.work", "user", "user..x", "user.contact.email", "a.b", "user.Contact"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		tx := taxonomy.Default()
		existed := tx.Has(taxonomy.Category, key)
		err := tx.Add(taxonomy.Category, taxonomy.Entry{Key: key})
		if err == nil {
			if existed || !tx.Has(taxonomy.Category, key) || !tx.Has(taxonomy.Category, taxonomy.ParentKey(key)) {
				t.Fatalf("Add(%q) succeeded but the tree is wrong", key)
			}
			return
		}
		if code := privet.ErrorCode(err); code != privet.EINVALID && code != privet.ECONFLICT {
			t.Fatalf("Add(%q): code %q", key, code)
		}
	})
}
