package export

import (
	"bufio"
	"encoding/csv"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/privet-dev/privet/vault"
)

// writeCSVs writes categories/<category>.csv for every category present:
// name, value, updated_at, RFC 4180 quoting.
func (z *archive) writeCSVs(in Contents, cats categorySet) error {
	names := newNamer()
	var (
		bw *bufio.Writer
		cw *csv.Writer
	)
	begin := func(cat string) error {
		w, err := z.create("categories/" + names.name(cat) + ".csv")
		if err != nil {
			return err
		}
		bw = bufio.NewWriter(w)
		cw = csv.NewWriter(bw)
		return cw.Write([]string{"name", "value", "updated_at"})
	}
	row := func(f vault.FieldView) error {
		return cw.Write([]string{SafeCell(f.Name), SafeCell(f.Value), f.UpdatedAt.UTC().Format(time.RFC3339Nano)})
	}
	end := func(string) error {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return bw.Flush()
	}
	return eachCategory(in, cats, begin, row, end)
}

// SafeCell defuses CSV injection: a spreadsheet runs a cell that starts with
// = + - @ (or a tab or carriage return, which some strip before looking) as a
// formula, so such a cell gets a leading apostrophe and is shown as text.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// namer turns keys into file names that are safe on every system and
// unique within one directory of the archive.
type namer struct{ used map[string]bool }

func newNamer() *namer { return &namer{used: map[string]bool{}} }

// maxNameLen bounds a file name made from a key; a suffix may follow.
const maxNameLen = 100

func (n *namer) name(key string) string {
	b := []byte(key)
	if len(b) > maxNameLen {
		b = b[:maxNameLen]
	}
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' && i > 0) {
			b[i] = '_'
		}
	}
	base := string(b)
	if base == "" {
		base = "_"
	}
	name := base
	for i := 2; n.used[name]; i++ {
		name = base + "-" + strconv.Itoa(i)
	}
	n.used[name] = true
	return name
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
