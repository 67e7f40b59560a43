package api

import (
	"context"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/vault"
)

// A lookup is the hottest read of the API. Its body is decoded once, here,
// with the schema's checks made in Go (lookupOperation skips huma's second
// pass, which copies the body into a generic map to validate it); the
// OpenAPI document is the one the schema tags below describe.

type subjectLookupInput struct {
	// The identity travels in the body, never in the URL, where proxies and
	// access logs would keep it.
	Body subjectLookupInputBody
}

type subjectLookupInputBody struct {
	Type    privet.IdentityType `json:"type" enum:"email,phone,external_id,cookie_id" doc:"The identity's type."`
	Value   string              `json:"value" maxLength:"320" doc:"The identity; normalized before lookup."`
	Purpose string              `json:"purpose" maxLength:"200" doc:"The data use this read serves."`
	Masked  bool                `json:"masked,omitempty" doc:"Return desensitized values."`
	// invalid is what the schema would have refused, for the handler to
	// answer naming the field (never echoing its value).
	invalid error
}

// UnmarshalJSON decodes the body in one pass and makes the schema's checks:
// an object of known fields, of the right types, the required ones present,
// type one of the enum, value and purpose within their lengths.
func (b *subjectLookupInputBody) UnmarshalJSON(data []byte) error {
	var raw struct {
		Type    *string `json:"type"`
		Value   *string `json:"value"`
		Purpose *string `json:"purpose"`
		Masked  *bool   `json:"masked"`
	}
	invalid, err := decodeOnce(data, &raw)
	if err != nil || invalid != nil {
		b.invalid = invalid
		return err
	}
	var typ string
	for _, f := range []struct {
		name string
		v    *string
		max  int
		enum []string
		dst  *string
	}{
		{"type", raw.Type, 0, identityTypeEnum, &typ},
		{"value", raw.Value, 320, nil, &b.Value},
		{"purpose", raw.Purpose, 200, nil, &b.Purpose},
	} {
		if *f.dst, b.invalid = checkString(f.name, f.v, true, f.max, f.enum); b.invalid != nil {
			return nil
		}
	}
	b.Type = privet.IdentityType(typ)
	if raw.Masked != nil {
		b.Masked = *raw.Masked
	}
	return nil
}

// identityTypeEnum is the enum of the body's type, from its schema tag.
var identityTypeEnum = tagEnum(reflect.TypeFor[subjectLookupInputBody](), "Type")

// lookupOperation skips huma's validation of the body: UnmarshalJSON makes
// the same checks.
func lookupOperation(op *huma.Operation) { op.SkipValidateBody = true }

// subjectLookup finds a subject by identity through the blind index.
func (s *Server) subjectLookup(ctx context.Context, in *subjectLookupInput) (*subjectOutput, error) {
	b := in.Body
	if b.invalid != nil {
		return nil, b.invalid
	}
	v, err := s.cfg.Vault.Find(ctx, actor(APIKey(ctx)), TenantID(ctx), vault.IdentityInput{Type: b.Type, Value: b.Value},
		vault.ReadOptions{Purpose: b.Purpose, Masked: b.Masked})
	if err != nil {
		return nil, err
	}
	return &subjectOutput{Body: v}, nil
}
