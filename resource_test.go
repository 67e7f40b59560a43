package privet_test

import (
	"strings"
	"testing"

	"github.com/privet-dev/privet"
)

func TestCheckResourceID(t *testing.T) {
	for _, id := range []string{"doc-42", "8f14e45f-ceea-467f-a0e8-1b2c3d4e5f60", "board:7.card_3", "D", strings.Repeat("a", privet.MaxResourceIDBytes)} {
		if err := privet.CheckResourceID("id", id); err != nil {
			t.Errorf("%q refused: %v", id, err)
		}
	}
	for _, id := range []string{"", "-doc", ".hidden", "a b", "ada@example.com", "doc/1", "doc\n1", "dóc", strings.Repeat("a", privet.MaxResourceIDBytes+1)} {
		err := privet.CheckResourceID("id", id)
		if privet.ErrorCode(err) != privet.EINVALID || privet.ErrorField(err) != "id" {
			t.Errorf("%q = %v, want invalid naming id", id, err)
		}
	}
}

// FuzzCheckResourceID: any input is accepted or refused with an error naming
// the field in one of two fixed messages (never the input); what is accepted is short ASCII of
// the documented charset.
func FuzzCheckResourceID(f *testing.F) {
	for _, s := range []string{"doc-42", "", "a b", "ada@example.com", "x:y.z_1-2", "\xff"} {
		f.Add(s)
	}
	lengthErr, charsetErr := privet.CheckResourceID("id", "").Error(), privet.CheckResourceID("id", " ").Error()
	f.Fuzz(func(t *testing.T, id string) {
		err := privet.CheckResourceID("id", id)
		if err != nil {
			if privet.ErrorField(err) != "id" || privet.ErrorCode(err) != privet.EINVALID {
				t.Fatalf("%q: %v", id, err)
			}
			// The message is one of two fixed texts: it cannot carry the input.
			if msg := err.Error(); msg != lengthErr && msg != charsetErr {
				t.Fatalf("%q: unexpected message %v", id, msg)
			}
			return
		}
		if len(id) == 0 || len(id) > privet.MaxResourceIDBytes {
			t.Fatalf("%q accepted at length %d", id, len(id))
		}
		for i, r := range id {
			ok := r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || i > 0 && strings.ContainsRune("-_.:", r))
			if !ok {
				t.Fatalf("%q accepted with %q at %d", id, r, i)
			}
		}
	})
}
