package crypto_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
)

// newMaster creates a master key file in a fresh directory and opens it.
func newMaster(tb testing.TB) (*crypto.Master, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "master.json")
	if err := crypto.CreateMasterFile(path); err != nil {
		tb.Fatalf("CreateMasterFile: %v", err)
	}
	m, err := crypto.OpenMasterFile(path)
	if err != nil {
		tb.Fatalf("OpenMasterFile: %v", err)
	}
	return m, path
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := privet.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	var pe *privet.Error
	if code != privet.EINTERNAL && code != "" && !errors.As(err, &pe) {
		tb.Fatalf("error %v is not a *privet.Error", err)
	}
}
