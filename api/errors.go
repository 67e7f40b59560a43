package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
)

// statusOf is the one table from error codes to HTTP statuses.
func statusOf(code string) int {
	switch code {
	case privet.EINVALID:
		return http.StatusUnprocessableEntity
	case privet.ENOTFOUND:
		return http.StatusNotFound
	case privet.ECONFLICT:
		return http.StatusConflict
	case privet.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case privet.EFORBIDDEN:
		return http.StatusForbidden
	case privet.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case privet.ERATELIMIT:
		return http.StatusTooManyRequests
	case privet.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case privet.ENOTIMPL:
		return http.StatusNotImplemented
	default: // EINTEGRITY, EINTERNAL and anything unknown
		return http.StatusInternalServerError
	}
}

// codeOfStatus names the code of an error the framework raised itself, with
// only a status to go on (malformed JSON, a body too large, an unknown route).
func codeOfStatus(status int) string {
	switch {
	case status == http.StatusBadRequest, status == http.StatusUnprocessableEntity,
		status == http.StatusUnsupportedMediaType, status == http.StatusNotAcceptable,
		status == http.StatusMethodNotAllowed, status == http.StatusRequestTimeout:
		return privet.EINVALID
	case status == http.StatusNotFound:
		return privet.ENOTFOUND
	case status == http.StatusRequestEntityTooLarge:
		return privet.ETOOLARGE
	case status == http.StatusUnauthorized:
		return privet.EUNAUTHORIZED
	case status == http.StatusForbidden:
		return privet.EFORBIDDEN
	case status == http.StatusConflict:
		return privet.ECONFLICT
	case status == http.StatusTooManyRequests:
		return privet.ERATELIMIT
	case status == http.StatusServiceUnavailable:
		return privet.EUNAVAILABLE
	default:
		return privet.EINTERNAL
	}
}

// Problem is an RFC 9457 problem document with privet's stable code and the
// field at fault. Detail is always a safe message: never personal data, never
// an internal error's text, never the offending input echoed back.
type Problem struct {
	Type   string `json:"type" doc:"A URI naming the kind of problem: urn:privet:error:<code>."`
	Title  string `json:"title" doc:"The HTTP status text."`
	Status int    `json:"status" doc:"The HTTP status code."`
	Detail string `json:"detail,omitempty" doc:"A safe explanation of this occurrence."`
	Code   string `json:"code" doc:"A stable error code clients match on." enum:"invalid,not_found,conflict,unauthorized,forbidden,too_large,rate_limited,integrity,unavailable,internal,not_implemented"`
	Field  string `json:"field,omitempty" doc:"The input field at fault, e.g. name or scopes[0]."`
	// Errors lists every field problem when validation found several.
	Errors []FieldProblem `json:"errors,omitempty" doc:"Every field problem, when there are several."`
}

// FieldProblem is one field's problem.
type FieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (p *Problem) Error() string  { return p.Code + ": " + p.Detail }
func (p *Problem) GetStatus() int { return p.Status }

// ContentType makes huma answer application/problem+json.
func (p *Problem) ContentType(ct string) string {
	if ct == "application/json" {
		return "application/problem+json"
	}
	return ct
}

// problemOf turns any error into a problem. A *privet.Error keeps its code
// and safe message; anything else is internal and says nothing more.
func problemOf(err error) *Problem {
	code := privet.ErrorCode(err)
	return newProblem(statusOf(code), code, privet.ErrorMessage(err), privet.ErrorField(err))
}

func newProblem(status int, code, detail, field string) *Problem {
	return &Problem{
		Type:   "urn:privet:error:" + code,
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
		Code:   code,
		Field:  field,
	}
}

// retryAfterLoading is the Retry-After, in seconds, of an answer refused
// while the consent decision memory fills.
const retryAfterLoading = "5"

// installOnce guards the one process-wide hook huma offers for its error
// model. The hook is a pure function of its arguments (the logger comes from
// the request's context), so every Server in the process shares it safely.
var installOnce sync.Once

func installProblems() {
	installOnce.Do(func() {
		huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
			return frameworkProblem(nil, status, msg, errs)
		}
		huma.NewErrorWithContext = func(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
			return frameworkProblem(ctx, status, msg, errs)
		}
	})
}

// frameworkProblem builds the problem for an error huma reports: a handler's
// error (status 500 with the error in errs), a validation failure, or a
// transport problem such as a body over the limit.
func frameworkProblem(ctx huma.Context, status int, msg string, errs []error) *Problem {
	for _, err := range errs {
		var pe *privet.Error
		if errors.As(err, &pe) {
			p := problemOf(err)
			if errors.Is(err, consent.ErrLoading) && ctx != nil {
				// Not a fault: the decision memory is still filling.
				ctx.SetHeader("Retry-After", retryAfterLoading)
				return p
			}
			if p.Status >= http.StatusInternalServerError && ctx != nil {
				logInternal(ctx, err)
			}
			return p
		}
	}
	if status >= http.StatusInternalServerError || status == 0 {
		if status != 0 && ctx != nil {
			logInternal(ctx, errors.Join(errs...))
		}
		if status == 0 {
			status = http.StatusInternalServerError // huma asks for an example at registration
		}
		return newProblem(status, codeOfStatus(status), "internal error", "")
	}
	if status == http.StatusUnprocessableEntity && notJSON(errs) {
		// A route that decodes its body once (see consentRecordOperation)
		// learns that the body is not JSON from its struct decode, which
		// huma answers 422; it is a 400 as on every other route.
		status = http.StatusBadRequest
	}
	p := newProblem(status, codeOfStatus(status), safeDetail(status, msg), "")
	for _, err := range errs {
		var d *huma.ErrorDetail
		if !errors.As(err, &d) {
			continue
		}
		fp := FieldProblem{Field: fieldOf(d.Location), Message: d.Message}
		if status == http.StatusBadRequest && fp.Field == "body" {
			// The JSON decoder's message can quote the input; say less.
			fp.Message = "the body is not valid JSON"
		}
		p.Errors = append(p.Errors, fp)
	}
	if len(p.Errors) > 0 {
		p.Field = p.Errors[0].Field
		p.Detail = p.Errors[0].Message
		if p.Field != "" && p.Field != "body" {
			p.Detail = p.Field + ": " + p.Detail
		}
	}
	if len(p.Errors) == 1 {
		p.Errors = nil
	}
	return p
}

// notJSON reports whether errs is encoding/json's one complaint that the
// body is not JSON at all (its syntax errors, which can quote a character of
// the input).
func notJSON(errs []error) bool {
	var d *huma.ErrorDetail
	if len(errs) != 1 || !errors.As(errs[0], &d) || d.Location != "body" {
		return false
	}
	return strings.HasPrefix(d.Message, "invalid character ") || d.Message == "unexpected end of JSON input"
}

// safeDetail keeps huma's own messages, which are fixed strings, except for
// the few that carry a number worth hiding or are worded for Go developers.
func safeDetail(status int, msg string) string {
	switch status {
	case http.StatusRequestEntityTooLarge:
		return "the request body is too large"
	case http.StatusBadRequest:
		if msg == "" || strings.Contains(msg, "validation") {
			return "the request is malformed"
		}
	}
	return msg
}

// fieldOf turns huma's location ("body.scopes[0]", "path.id") into the
// field name a client sent.
func fieldOf(location string) string {
	for _, prefix := range []string{"body.", "path.", "query.", "header."} {
		if rest, ok := strings.CutPrefix(location, prefix); ok {
			return rest
		}
	}
	return location
}

// logInternal logs an internal error with the request id, so an operator
// can find what the generic "internal error" the client saw was.
func logInternal(ctx huma.Context, err error) {
	info := requestInfoFrom(ctx.Context())
	if info == nil || err == nil {
		return
	}
	if errors.Is(err, context.Canceled) && ctx.Context().Err() != nil {
		// The client went away mid-request: nothing for an operator to fix.
		info.logger.LogAttrs(ctx.Context(), slog.LevelInfo, "client went away", slog.String("request_id", info.ID))
		return
	}
	info.logger.LogAttrs(ctx.Context(), slog.LevelError, "internal error",
		slog.String("request_id", info.ID), slog.String("error", err.Error()))
}

// writeProblem writes a problem outside huma (middleware, plain handlers).
func writeProblem(w http.ResponseWriter, p *Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = jsonEncode(w, p)
}
