package crypto

import (
	"testing"
	"time"
)

// FuzzDecodeLinkPayload runs the payload decoder on arbitrary bytes: only
// signed payloads reach it, but it must still never panic, and what it
// accepts must encode back to the same bytes.
func FuzzDecodeLinkPayload(f *testing.F) {
	exp := time.Unix(1_800_000_000, 0).UTC()
	f.Add(EncodeLinkPayload([]string{"ten_1", "sub_1", "marketing.communications.email"}, exp), 3)
	f.Add(EncodeLinkPayload([]string{"ten_1", "pkg_1"}, exp), 2)
	f.Add([]byte{linkVersion}, 0)
	f.Add([]byte{linkVersion, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 1)
	f.Fuzz(func(t *testing.T, p []byte, n int) {
		n %= 8
		fields, expires, ok := DecodeLinkPayload(p, n)
		if !ok {
			return
		}
		if len(fields) != n {
			t.Fatalf("decoded %d fields, want %d", len(fields), n)
		}
		if string(EncodeLinkPayload(fields, expires)) != string(p) {
			t.Fatalf("decoded %q does not encode back to its input", fields)
		}
	})
}
