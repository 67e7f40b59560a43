// Package cryptotest gives tests a master key of their own.
package cryptotest

import (
	"path/filepath"
	"testing"

	"github.com/privet-dev/privet/crypto"
)

// Master creates a master keyset file in a temporary directory of tb and
// opens it, as `privet init` does.
func Master(tb testing.TB) *crypto.Master {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "master.json")
	if err := crypto.CreateMasterFile(path); err != nil {
		tb.Fatal(err)
	}
	m, err := crypto.OpenMasterFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}
