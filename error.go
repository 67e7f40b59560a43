package privet

import (
	"errors"
	"fmt"
)

// Error codes. They are stable: clients match on them, and the HTTP layer maps
// each to one status in a single table.
const (
	EINVALID      = "invalid"      // the input is malformed or breaks a rule (422)
	ENOTFOUND     = "not_found"    // no such object, or not this tenant's (404)
	ECONFLICT     = "conflict"     // a uniqueness or state conflict (409)
	EUNAUTHORIZED = "unauthorized" // no or unknown credentials (401)
	EFORBIDDEN    = "forbidden"    // credentials lack the scope (403)
	ETOOLARGE     = "too_large"    // a body or value over its limit (413)
	ERATELIMIT    = "rate_limited" // too many attempts (429)
	EINTEGRITY    = "integrity"    // stored data failed authentication or verification (500, audited)
	EUNAVAILABLE  = "unavailable"  // a dependency is down or the schema is outdated (503)
	EINTERNAL     = "internal"     // anything else (500)
	ENOTIMPL      = "not_implemented"
)

// Error is the one error type of the domain. Message is safe to show to any
// caller: it never contains personal data. Field, when set, names the input
// field at fault (e.g. "identities[0].value").
type Error struct {
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("privet: %s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("privet: %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message. Callers must
// never format personal data into the message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error naming the field at fault.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the safe message of the first *Error in err's chain, and
// a generic message for any other error: internal details never leave the server.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorField returns the field named by the first *Error in err's chain.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// Sentinel errors that stores return, wrapped with %w where context helps.
// Drivers map their own error codes (never message text) to these.
var (
	ErrNotFound = &Error{Code: ENOTFOUND, Message: "not found"}
	ErrConflict = &Error{Code: ECONFLICT, Message: "already exists"}
)

// Is lets errors.Is match any *Error with the same code, so a wrapped
// ErrNotFound and a fresh Errorf(ENOTFOUND, ...) are both "not found".
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}
