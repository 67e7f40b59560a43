package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/privet-dev/privet"
)

// decodeOnce decodes a request body into raw in one pass, refusing what a
// huma schema of additionalProperties false refuses at the decoder's level:
// unknown fields and values of the wrong type, named by field (never
// echoing the value). invalid is such a refusal, for the handler to answer
// with 422; err is a body that is not JSON at all.
func decodeOnce(data []byte, raw any) (invalid, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err = dec.Decode(raw)
	if err == nil && dec.Decode(&struct{}{}) != io.EOF {
		return nil, errors.New("json: data after the body")
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil, nil
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return privet.FieldError(typeErr.Field, "expected %s", typeErr.Type), nil
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return privet.FieldError(field, "unknown field"), nil
	default:
		return nil, err
	}
}

// checkString is the schema's check of one string property: present if
// required, at most max characters (0: no limit; counted in runes, as the
// schema's maxLength is), one of enum if given. It returns the value, ""
// for an absent optional one.
func checkString(field string, v *string, required bool, max int, enum []string) (string, error) {
	switch {
	case v == nil && required:
		return "", privet.FieldError(field, "is required")
	case v == nil:
		return "", nil
	case max > 0 && utf8.RuneCountInString(*v) > max:
		return "", privet.FieldError(field, "must be at most %d characters", max)
	case enum != nil && !slices.Contains(enum, *v):
		return "", privet.FieldError(field, "must be one of %s", strings.Join(enum, ", "))
	}
	return *v, nil
}

// tagEnum is the enum of a struct field's schema tag, so that a decoder's
// check and the OpenAPI document cannot drift apart.
func tagEnum(t reflect.Type, field string) []string {
	f, ok := t.FieldByName(field)
	if !ok || f.Tag.Get("enum") == "" {
		panic("api: no enum tag on " + t.Name() + "." + field)
	}
	return strings.Split(f.Tag.Get("enum"), ",")
}
