package taxonomy

import (
	_ "embed"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/privet-dev/privet"
)

// Kind is one of the three trees of the taxonomy.
type Kind string

// The three trees.
const (
	Category Kind = "category" // data categories: what the data is
	Use      Kind = "use"      // data uses: what it is processed for (a Purpose)
	Subject  Kind = "subject"  // data subjects: whose it is
)

// Kinds lists the three trees.
func Kinds() []Kind { return []Kind{Category, Use, Subject} }

// Entry is one key of a tree. Parent is empty for a root.
type Entry struct {
	Key, Name, Description, Parent string
}

// Taxonomy is a set of trees. It is not safe for concurrent writes; Default
// returns a fresh copy so that one policy's extensions never leak into another's.
type Taxonomy struct {
	trees map[Kind]map[string]Entry
	// replacedBy maps a key fideslang has deprecated to its successor. The
	// deprecated key stays valid so that older policies keep loading.
	replacedBy map[Kind]map[string]string
}

// The embedded file's name carries the version so that an upgrade is a new
// file beside the old one, reviewed as a diff, never an edit in place.
//
//go:embed data/fideslang-3.2.0.json
var embedded []byte

type fileEntry struct {
	Key               string `json:"fides_key"`
	Name              string `json:"name"`
	Description       string `json:"description"`
	Parent            string `json:"parent_key"`
	VersionDeprecated string `json:"version_deprecated"`
	ReplacedBy        string `json:"replaced_by"`
}

type file struct {
	Version        string      `json:"version"`
	DataCategories []fileEntry `json:"data_categories"`
	DataUses       []fileEntry `json:"data_uses"`
	DataSubjects   []fileEntry `json:"data_subjects"`
}

// loadDefault parses the embedded file once; a broken file is a build
// defect that the package tests catch, so it panics rather than returning
// an error every caller would have to handle.
var loadDefault = sync.OnceValues(func() (*Taxonomy, string) {
	var f file
	if err := json.Unmarshal(embedded, &f); err != nil {
		panic("taxonomy: embedded fideslang data is not valid JSON: " + err.Error())
	}
	t := &Taxonomy{trees: map[Kind]map[string]Entry{}, replacedBy: map[Kind]map[string]string{}}
	for kind, entries := range map[Kind][]fileEntry{Category: f.DataCategories, Use: f.DataUses, Subject: f.DataSubjects} {
		tree := make(map[string]Entry, len(entries))
		replaced := map[string]string{}
		for _, e := range entries {
			tree[e.Key] = Entry{Key: e.Key, Name: e.Name, Description: e.Description, Parent: e.Parent}
			if e.VersionDeprecated != "" {
				replaced[e.Key] = e.ReplacedBy
			}
		}
		t.trees[kind] = tree
		t.replacedBy[kind] = replaced
	}
	return t, f.Version
})

// Default returns a fresh copy of the embedded fideslang taxonomy.
func Default() *Taxonomy {
	t, _ := loadDefault()
	return t.Clone()
}

// Version returns the fideslang version the embedded taxonomy was taken from.
func Version() string {
	_, v := loadDefault()
	return v
}

// Clone returns a deep copy of t.
func (t *Taxonomy) Clone() *Taxonomy {
	c := &Taxonomy{
		trees:      make(map[Kind]map[string]Entry, len(t.trees)),
		replacedBy: make(map[Kind]map[string]string, len(t.replacedBy)),
	}
	for kind, tree := range t.trees {
		c.trees[kind] = maps.Clone(tree)
	}
	for kind, m := range t.replacedBy {
		c.replacedBy[kind] = maps.Clone(m)
	}
	return c
}

// ReplacedBy reports whether fideslang has deprecated key and, if so, the key
// that replaces it, so a policy can be told to move on before the old key goes.
func (t *Taxonomy) ReplacedBy(kind Kind, key string) (string, bool) {
	r, ok := t.replacedBy[kind][key]
	return r, ok
}

// Has reports whether key is in the tree of kind.
func (t *Taxonomy) Has(kind Kind, key string) bool {
	_, ok := t.trees[kind][key]
	return ok
}

// Get returns the entry for key in the tree of kind.
func (t *Taxonomy) Get(kind Kind, key string) (Entry, bool) {
	e, ok := t.trees[kind][key]
	return e, ok
}

// Keys returns the keys of the tree of kind, sorted.
func (t *Taxonomy) Keys(kind Kind) []string {
	tree := t.trees[kind]
	keys := make([]string, 0, len(tree))
	for k := range tree {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// IsUnder reports whether key is ancestor or one of its descendants. Both
// must be in the tree: an unknown key is under nothing.
func (t *Taxonomy) IsUnder(kind Kind, key, ancestor string) bool {
	tree := t.trees[kind]
	if _, ok := tree[ancestor]; !ok {
		return false
	}
	for {
		e, ok := tree[key]
		if !ok {
			return false
		}
		if e.Key == ancestor {
			return true
		}
		if e.Parent == "" {
			return false
		}
		key = e.Parent
	}
}

// Add adds e to the tree of kind. The key must be lower_snake segments joined
// by dots, must not exist yet, and its parent (the key without its last
// segment) must exist; Parent, if set, must agree.
func (t *Taxonomy) Add(kind Kind, e Entry) error {
	tree, ok := t.trees[kind]
	if !ok {
		return privet.Errorf(privet.EINVALID, "key %q: unknown taxonomy kind %q (want category, use or subject)", e.Key, string(kind))
	}
	if !validKey(e.Key) {
		return privet.Errorf(privet.EINVALID, "%s key %q: want lower_snake segments joined by dots", kind, e.Key)
	}
	if _, exists := tree[e.Key]; exists {
		return privet.Errorf(privet.ECONFLICT, "%s key %q already exists", kind, e.Key)
	}
	parent := ParentKey(e.Key)
	if parent == "" {
		return privet.Errorf(privet.EINVALID, "%s key %q: a new key must extend an existing one (e.g. %s.custom)", kind, e.Key, e.Key)
	}
	if e.Parent != "" && e.Parent != parent {
		return privet.Errorf(privet.EINVALID, "%s key %q: parent %q does not match the key's prefix %q", kind, e.Key, e.Parent, parent)
	}
	if _, ok := tree[parent]; !ok {
		return privet.Errorf(privet.EINVALID, "%s key %q: parent %q does not exist", kind, e.Key, parent)
	}
	e.Parent = parent
	tree[e.Key] = e
	return nil
}

// ParentKey returns key without its last dot segment, "" for a root key.
func ParentKey(key string) string {
	i := strings.LastIndexByte(key, '.')
	if i < 0 {
		return ""
	}
	return key[:i]
}

func validKey(key string) bool {
	if key == "" || len(key) > 200 {
		return false
	}
	for _, seg := range strings.Split(key, ".") {
		if seg == "" || seg[0] == '_' || seg[len(seg)-1] == '_' || strings.Contains(seg, "__") {
			return false
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			if !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '_' {
				return false
			}
		}
		if seg[0] >= '0' && seg[0] <= '9' {
			return false
		}
	}
	return true
}
