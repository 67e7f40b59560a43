package retention

import (
	"encoding/base64"
	"encoding/json"

	"github.com/privet-dev/privet"
)

// MaxCursorBytes bounds a plan page token.
const MaxCursorBytes = 512

// FormatCursor encodes a plan position as an opaque page token.
func FormatCursor(c privet.RetentionCursor) string {
	b, _ := json.Marshal(c) // strings and a time always encode
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseCursor decodes a page token of FormatCursor. EINVALID (field
// "after") for anything else.
func ParseCursor(token string) (privet.RetentionCursor, error) {
	var c privet.RetentionCursor
	bad := privet.FieldError("after", "not a page token of the retention plan")
	if len(token) > MaxCursorBytes {
		return c, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || json.Unmarshal(b, &c) != nil {
		return privet.RetentionCursor{}, bad
	}
	return c, nil
}
