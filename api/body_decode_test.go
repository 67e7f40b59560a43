package api

import (
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
)

// schemaValidator returns what huma's validation of T's schema says of a
// body: the reference the one-pass decoders' fuzz targets are held to.
func schemaValidator[T any]() func(data string) bool {
	registry := huma.NewMapRegistry("#/components/schemas/", huma.DefaultSchemaNamer)
	schema := registry.Schema(reflect.TypeFor[T](), false, "")
	return func(data string) bool {
		var generic any
		if json.Unmarshal([]byte(data), &generic) != nil {
			return false
		}
		res := &huma.ValidateResult{}
		huma.Validate(registry, schema, huma.NewPathBuffer([]byte{}, 0), huma.ModeWriteToServer, generic, res)
		return len(res.Errors) == 0
	}
}

// agreesWithSchema fails t when a one-pass decoder's verdict on data (err
// and invalid from decoding it) differs from the schema's (schemaAccepts,
// from schemaValidator), leaving aside a body that names one property twice
// under different casings (see foldedTwice). It returns whether the decoder
// accepted data.
func agreesWithSchema(t *testing.T, schemaAccepts func(string) bool, data string, err, invalid error) bool {
	t.Helper()
	accepted := err == nil && invalid == nil
	if schemaOK := schemaAccepts(data); accepted != schemaOK {
		if foldedTwice(data) {
			t.Skip("a property given twice under different casings: see foldedTwice")
		}
		t.Fatalf("%q: decoder accepts %v (%v, %v), schema accepts %v", data, accepted, err, invalid, schemaOK)
	}
	return accepted
}

// foldedTwice reports whether a JSON object (at any depth) names one
// property twice under different casings, e.g. "state" and "State". There
// huma validated the value of the exact-cased key while encoding/json kept
// the last of them for the handler; the one-pass decoders check the value
// they keep. The differential fuzz targets leave these bodies aside.
func foldedTwice(data string) bool {
	dec := json.NewDecoder(strings.NewReader(data))
	type frame struct {
		object  bool
		keys    []string
		wantKey bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.wantKey {
			if k, ok := tok.(string); ok {
				for _, prev := range top.keys {
					if prev != k && strings.EqualFold(prev, k) {
						return true
					}
				}
				top.keys = append(top.keys, k)
				top.wantKey = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, wantKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].wantKey = true
		}
	}
}
