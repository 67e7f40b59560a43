package consent

import (
	"testing"
	"time"
)

// FuzzDecodeLink runs the payload decoder on arbitrary bytes: only signed
// payloads reach it, but it must still never panic, and what it accepts
// must encode back to the same bytes.
func FuzzDecodeLink(f *testing.F) {
	l := UnsubscribeLink{TenantID: "ten_1", SubjectID: "sub_1", Purpose: "marketing.communications.email", Expires: time.Unix(1_800_000_000, 0).UTC()}
	f.Add(encodeLink(l))
	f.Add([]byte{tokenVersion})
	f.Add([]byte{tokenVersion, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, p []byte) {
		got, ok := decodeLink(p)
		if !ok {
			return
		}
		if string(encodeLink(got)) != string(p) {
			t.Fatalf("decoded %+v does not encode back to its input", got)
		}
	})
}
