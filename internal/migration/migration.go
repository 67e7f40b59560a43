// Package migration reads the numbered SQL migrations each store embeds and
// checks River's job tables. Applying migrations is the store's business: the
// SQL and the locking differ between engines, the file rules do not.
package migration

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/riverqueue/river/rivermigrate"

	"github.com/privet-dev/privet"
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

// CheckJobs reports, with EUNAVAILABLE, a database whose River job tables
// are behind this binary's River: the server must not start on them.
func CheckJobs[TTx any](ctx context.Context, m *rivermigrate.Migrator[TTx]) error {
	res, err := m.Validate(ctx, nil)
	if err != nil {
		return fmt.Errorf("validate job schema: %w: %w", privet.Errorf(privet.EUNAVAILABLE, "database unavailable"), err)
	}
	if !res.OK {
		return privet.Errorf(privet.EUNAVAILABLE, "job tables are not up to date: run privet migrate")
	}
	return nil
}
