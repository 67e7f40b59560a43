package retention_test

import (
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/retention"
)

func FuzzParseCursor(f *testing.F) {
	f.Add(retention.FormatCursor(privet.RetentionCursor{DueAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), TenantID: "ten_1", SubjectID: "sub_1", RuleKey: "account"}))
	f.Add("")
	f.Add("!!")
	f.Add("e30")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := retention.ParseCursor(token)
		if err != nil {
			if privet.ErrorCode(err) != privet.EINVALID || privet.ErrorField(err) != "after" {
				t.Fatalf("error %v is not EINVALID on after", err)
			}
			return
		}
		// A token that parses survives a round trip.
		back, err := retention.ParseCursor(retention.FormatCursor(c))
		if err != nil || !back.DueAt.Equal(c.DueAt) || back.TenantID != c.TenantID || back.SubjectID != c.SubjectID || back.RuleKey != c.RuleKey {
			t.Fatalf("round trip of %+v = %+v, %v", c, back, err)
		}
	})
}
