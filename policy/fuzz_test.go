package policy_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// FuzzParse checks that no input panics the loader, that it answers either a
// usable *Compiled or an EINVALID error, and that whatever it accepts can be
// rendered and explained.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("version: [\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := policy.Parse("fuzz.yaml", data)
		if err != nil {
			if c != nil {
				t.Fatal("Parse returned both a policy and an error")
			}
			if code := privet.ErrorCode(err); code != privet.EINVALID {
				t.Fatalf("error code %q, want %q: %v", code, privet.EINVALID, err)
			}
			return
		}
		if c == nil || c.Policy == nil || c.Hash == "" {
			t.Fatal("Parse returned no error and no usable policy")
		}
		for _, render := range []func(*policy.Compiled, io.Writer) error{policy.RenderMarkdown, policy.RenderHTML, policy.Explain} {
			if err := render(c, io.Discard); err != nil {
				t.Fatalf("an accepted policy failed to render: %v", err)
			}
		}
	})
}
