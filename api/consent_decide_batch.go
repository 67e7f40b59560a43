package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
)

// A batch is up to 100,000 ids in and as many decisions out: megabytes of
// JSON, whose generic handling cost more than the decisions themselves. So
// the route decodes its body once (no schema validation pass over a generic
// copy; the checks are made here) and writes its answer with a plain
// encoder; its OpenAPI document is the same as if huma did both.

type decideBatchInput struct {
	Body decideBatchBody
}

type decideBatchBody struct {
	Purpose    string   `json:"purpose" maxLength:"200" doc:"The purpose to decide."`
	SubjectIDs []string `json:"subject_ids" maxItems:"100000" doc:"Up to 100,000 subject ids, e.g. a mailing list."`
	// invalid is what the schema would have refused, for the handler to
	// answer naming the field.
	invalid error
}

// UnmarshalJSON decodes the body in one pass, refusing unknown fields and
// wrong types as the schema would.
func (b *decideBatchBody) UnmarshalJSON(data []byte) error {
	type plain decideBatchBody
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode((*plain)(b))
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
	case errors.As(err, &typeErr) && typeErr.Field != "":
		b.invalid = privet.FieldError(typeErr.Field, "expected %s", typeErr.Type)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		b.invalid = privet.FieldError(field, "unknown field")
	default:
		return err
	}
	return nil
}

// decideBatchAnswer is the answer's shape, for the OpenAPI document.
type decideBatchAnswer struct {
	Decisions []consent.Decision `json:"decisions"`
}

type decideBatchOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

// decideBatchOperation skips the schema validation of the body and documents
// the answer that decideBatch encodes itself.
func (s *Server) decideBatchOperation(op *huma.Operation) {
	op.SkipValidateBody = true
	schemas := s.api.OpenAPI().Components.Schemas
	op.Responses = map[string]*huma.Response{
		"200": {Description: http.StatusText(http.StatusOK), Content: map[string]*huma.MediaType{
			"application/json": {Schema: schemas.Schema(reflect.TypeFor[decideBatchAnswer](), true, "DecideBatchAnswer")},
		}},
	}
}

// decideBatch decides one purpose for many subjects, in the order given.
func (s *Server) decideBatch(ctx context.Context, in *decideBatchInput) (*decideBatchOutput, error) {
	if in.Body.invalid != nil {
		return nil, in.Body.invalid
	}
	if in.Body.Purpose == "" {
		return nil, privet.FieldError("purpose", "a purpose is required")
	}
	ds, err := s.cfg.Consent.DecideBatch(ctx, TenantID(ctx), in.Body.Purpose, in.Body.SubjectIDs)
	if err != nil {
		return nil, err
	}
	return &decideBatchOutput{ContentType: "application/json", Body: appendDecisions(nil, ds)}, nil
}

// appendDecisions encodes {"decisions": [...]} as encoding/json would
// encode decideBatchAnswer, field for field, into b.
func appendDecisions(b []byte, ds []consent.Decision) []byte {
	// Sized once: growing a buffer of megabytes by doubling cost more than
	// the encoding.
	size := 32
	for _, d := range ds {
		size += len(d.SubjectID) + len(d.Purpose) + len(d.Reason) + len(d.Basis) + len(d.Mechanism) + 96
	}
	b = slices.Grow(b, size)
	b = append(b, `{"decisions":[`...)
	for i, d := range ds {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		if d.SubjectID != "" {
			b = append(b, `"subject_id":`...)
			b = appendString(b, d.SubjectID)
			b = append(b, ',')
		}
		b = append(b, `"purpose":`...)
		b = appendString(b, d.Purpose)
		if d.Allowed {
			b = append(b, `,"allowed":true,"reason":`...)
		} else {
			b = append(b, `,"allowed":false,"reason":`...)
		}
		b = appendString(b, d.Reason)
		if d.Basis != "" {
			b = append(b, `,"lawful_basis":`...)
			b = appendString(b, d.Basis)
		}
		if d.Mechanism != "" {
			b = append(b, `,"mechanism":`...)
			b = appendString(b, d.Mechanism)
		}
		b = append(b, '}')
	}
	return append(b, "]}\n"...)
}

// appendString appends s as a JSON string. Ids and purpose keys are plain
// ASCII and are copied; anything else (a caller may send any id) is left to
// encoding/json, so the escaping is exactly its own.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			quoted, _ := json.Marshal(s)
			return append(b, quoted...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
