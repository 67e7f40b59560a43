// Package migration reads the numbered SQL migrations each store embeds.
// Applying them is the store's business: the SQL and the locking differ
// between engines, the file rules do not.
package migration

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// Migration is one NNNN_name.sql file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Load reads dir's NNNN_name.sql files and insists on versions 1..n without
// gaps, so a missing file fails loudly instead of being skipped.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration: bad file name %q", e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		if v != len(out)+1 {
			return nil, fmt.Errorf("migration: %q out of sequence", e.Name())
		}
		out = append(out, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	return out, nil
}

// MustLoad is Load for embedded files, where a bad one is a build defect.
func MustLoad(fsys fs.FS, dir string) []Migration {
	ms, err := Load(fsys, dir)
	if err != nil {
		panic(err)
	}
	return ms
}
