package privet

import (
	"slices"
	"strings"
)

// An application's resource (a document, a file, a board) is named by an
// opaque id the application chooses. Privet keeps who viewed or edited it as
// audit events carrying the id, so the history is tamper-evident like every
// other touch, and never stores what the resource holds.

// Resource actions: what a person did with a resource, as the application
// reports it. The audit event's action is "resource." + the action.
var ResourceActions = []string{"view", "edit", "create", "share", "comment", "download", "delete"}

// MaxResourceIDBytes bounds a resource id.
const MaxResourceIDBytes = 128

// ResourceAuditPrefix starts the audit action of every resource event.
const ResourceAuditPrefix = "resource."

// CheckResourceID validates a resource id: 1 to MaxResourceIDBytes characters
// of ASCII letters, digits and - _ . : (enough for UUIDs, slugs and prefixed
// ids), starting with a letter or digit. An id is an application's key, not
// a title: a name, an email or free text would put personal data in the audit
// log, which the charset keeps out. Errors name the field, never the value.
func CheckResourceID(field, id string) error {
	if id == "" || len(id) > MaxResourceIDBytes {
		return FieldError(field, "must be 1 to %d characters", MaxResourceIDBytes)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		letterOrDigit := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !letterOrDigit && (i == 0 || !strings.ContainsRune("-_.:", rune(c))) {
			return FieldError(field, "must be letters, digits, '-', '_', '.' or ':', starting with a letter or digit")
		}
	}
	return nil
}

// CheckResourceAction validates an action an application reports.
func CheckResourceAction(field, action string) error {
	if !slices.Contains(ResourceActions, action) {
		return FieldError(field, "must be one of %v", ResourceActions)
	}
	return nil
}
