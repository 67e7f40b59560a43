package privet

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// Ids made later sort after ids made earlier, whatever their random part,
// and ids of one millisecond are still distinct and unguessable.
func TestNewIDSortsByTime(t *testing.T) {
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 2000 {
		ids = append(ids, newIDAt(PrefixSubject, start.Add(time.Duration(i/4)*time.Millisecond)))
	}
	for i := 4; i < len(ids); i++ {
		if ids[i-4] >= ids[i] {
			t.Fatalf("id %d (%s) does not sort after id %d (%s) made a millisecond earlier", i, ids[i], i-4, ids[i-4])
		}
	}
	if !slices.IsSortedFunc(ids, func(a, b string) int { return strings.Compare(a[:len("sub_")+9], b[:len("sub_")+9]) }) {
		t.Fatal("time prefixes are not in order")
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("duplicate id %s", id)
		}
		seen[id] = true
		if !strings.HasPrefix(id, "sub_") || len(id) != len("sub_")+26 || strings.Trim(id[4:], "0123456789abcdefghijklmnopqrstuv") != "" {
			t.Fatalf("id %q is not a prefix and 26 lower-case extended-hex base32 characters", id)
		}
	}
	// Same millisecond: the random part differs in at least 80 bits' worth
	// of text (the last 16 characters).
	a, b := newIDAt("x", start), newIDAt("x", start)
	if a[:len("x_")+9] != b[:len("x_")+9] || a[len(a)-16:] == b[len(b)-16:] {
		t.Fatalf("ids of one millisecond %s and %s: want the same time prefix and different random parts", a, b)
	}
}
