package policy_test

import (
	"testing"

	"github.com/privet-dev/privet/policy"
)

func BenchmarkParseRich(b *testing.B) {
	data := []byte(readTestdata(b, "rich.yaml"))
	for b.Loop() {
		if _, err := policy.Parse("rich.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
