package policy_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/privet-dev/privet/policy"
)

func TestExplainGolden(t *testing.T) {
	for _, name := range []string{"rich", "minimal"} {
		c, err := policy.Load("testdata/" + name + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := policy.Explain(c, &out); err != nil {
			t.Fatal(err)
		}
		golden(t, name+".explain.txt", out.Bytes())
	}
}

func TestExplainRows(t *testing.T) {
	c := loadRich(t)
	var out bytes.Buffer
	if err := policy.Explain(c, &out); err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{} // the first row of each purpose, by key
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			if _, ok := c.Purpose(f[0]); ok {
				rows[f[0]] = line
			}
		}
	}
	tests := []struct{ purpose, want string }{
		{"essential.service", "account: delete 180d after account_closed; logs: anonymize 24m after collected"},
		{"marketing.communications.email", "account: delete 180d after account_closed; prospects: delete 2y after last_activity"},
		{"essential.service.security", "identity: delete 30d after consent_withdrawn"},
		{"marketing.communications.email", " EU "},
	}
	for _, tt := range tests {
		if !strings.Contains(rows[tt.purpose], tt.want) {
			t.Errorf("row of %s = %q, want it to contain %q", tt.purpose, rows[tt.purpose], tt.want)
		}
	}
}
