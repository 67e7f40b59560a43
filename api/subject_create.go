package api

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/vault"
)

// A create carries the most JSON of the vault's hot routes. Its body is
// decoded once, here, with the schema's checks made in Go
// (subjectCreateOperation skips huma's second pass, which copies the body
// into a generic map to validate it). The schema stays vault.CreateInput's:
// subjectCreateBody provides it, so the OpenAPI document is unchanged.

type subjectCreateInput struct {
	Body subjectCreateBody
}

type subjectCreateBody struct {
	vault.CreateInput
	// invalid is what the schema would have refused, for the handler to
	// answer naming the field (never echoing its value).
	invalid error
}

// Schema is vault.CreateInput's schema (a reference to it).
func (subjectCreateBody) Schema(r huma.Registry) *huma.Schema {
	return r.Schema(reflect.TypeFor[vault.CreateInput](), true, "")
}

type createIdentityRaw struct {
	Type  *string `json:"type"`
	Value *string `json:"value"`
}

type createFieldRaw struct {
	Name     *string `json:"name"`
	Category *string `json:"category"`
	Value    *string `json:"value"`
}

// UnmarshalJSON decodes the body in one pass and makes the schema's checks:
// objects of known fields of the right types at every level; jurisdiction
// and identities present (identities may be null, as the schema has it);
// every identity an object with type and value, every field one with name,
// category and value. An optional property given as null counts as absent.
func (b *subjectCreateBody) UnmarshalJSON(data []byte) error {
	var raw struct {
		Jurisdiction *string               `json:"jurisdiction"`
		BirthDate    *string               `json:"birth_date"`
		AgeBand      *string               `json:"age_band"`
		Identities   *[]*createIdentityRaw `json:"identities"`
		Fields       *[]*createFieldRaw    `json:"fields"`
	}
	invalid, err := decodeOnce(data, &raw)
	if err != nil || invalid != nil {
		b.invalid = invalid
		return err
	}
	in := &b.CreateInput
	if in.Jurisdiction, b.invalid = checkString("jurisdiction", raw.Jurisdiction, true, 0, nil); b.invalid != nil {
		return nil
	}
	in.BirthDate, _ = checkString("birth_date", raw.BirthDate, false, 0, nil)
	in.AgeBand, _ = checkString("age_band", raw.AgeBand, false, 0, nil)
	if raw.Identities == nil && !hasProperty(data, "identities") {
		b.invalid = privet.FieldError("identities", "is required")
		return nil
	}
	if raw.Identities != nil {
		in.Identities = make([]vault.IdentityInput, len(*raw.Identities))
		for i, id := range *raw.Identities {
			at := "identities[" + strconv.Itoa(i) + "]"
			if id == nil {
				b.invalid = privet.FieldError(at, "expected object")
				return nil
			}
			var typ string
			if typ, b.invalid = checkString(at+".type", id.Type, true, 0, nil); b.invalid != nil {
				return nil
			}
			in.Identities[i].Type = privet.IdentityType(typ)
			if in.Identities[i].Value, b.invalid = checkString(at+".value", id.Value, true, 0, nil); b.invalid != nil {
				return nil
			}
		}
	}
	if raw.Fields != nil {
		in.Fields = make([]vault.FieldInput, len(*raw.Fields))
		for i, f := range *raw.Fields {
			at := "fields[" + strconv.Itoa(i) + "]"
			if f == nil {
				b.invalid = privet.FieldError(at, "expected object")
				return nil
			}
			out := &in.Fields[i]
			for _, p := range []struct {
				name string
				v    *string
				dst  *string
			}{{".name", f.Name, &out.Name}, {".category", f.Category, &out.Category}, {".value", f.Value, &out.Value}} {
				if *p.dst, b.invalid = checkString(at+p.name, p.v, true, 0, nil); b.invalid != nil {
					return nil
				}
			}
		}
	}
	return nil
}

// hasProperty reports whether the top-level object of a valid JSON body
// names the property, matched as encoding/json matches names (exactly or
// case-insensitively). Only asked when a required property that may be
// null came out absent, to tell null from missing.
func hasProperty(data []byte, name string) bool {
	var props map[string]json.RawMessage
	if json.Unmarshal(data, &props) != nil {
		return false
	}
	for k := range props {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// subjectCreateOperation skips huma's validation of the body:
// UnmarshalJSON makes the same checks.
func subjectCreateOperation(op *huma.Operation) { op.SkipValidateBody = true }

type subjectOutput struct {
	Body *vault.SubjectView
}

// subjectCreate stores a new subject; the response echoes what was stored.
func (s *Server) subjectCreate(ctx context.Context, in *subjectCreateInput) (*subjectOutput, error) {
	if in.Body.invalid != nil {
		return nil, in.Body.invalid
	}
	v, err := s.cfg.Vault.Create(ctx, actor(APIKey(ctx)), TenantID(ctx), in.Body.CreateInput)
	if err != nil {
		return nil, err
	}
	return &subjectOutput{Body: v}, nil
}
