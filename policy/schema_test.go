package policy_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/privet-dev/privet/policy"
)

const schemaPath = "../schema/policy.schema.json"

func readSchema(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("policy.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("policy.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// yamlToJSON turns a YAML document into the values a JSON validator sees,
// keeping dates as the strings they were written as (an editor validating
// the file sees "2024-03-01", not a timestamp).
func yamlToJSON(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		return yamlToJSON(n.Content[0])
	case yaml.AliasNode:
		return yamlToJSON(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = yamlToJSON(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := []any{}
		for _, c := range n.Content {
			s = append(s, yamlToJSON(c))
		}
		return s
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		return n.Value == "true"
	case "!!int":
		i, _ := strconv.ParseInt(n.Value, 0, 64)
		return json.Number(strconv.FormatInt(i, 10))
	case "!!float":
		return json.Number(n.Value)
	}
	return n.Value
}

func TestSchemaAcceptsEveryGoodPolicy(t *testing.T) {
	s := compileSchema(t)
	paths, _ := filepath.Glob("testdata/*.yaml")
	examples, _ := filepath.Glob("../examples/*/policy.yaml")
	for _, path := range append(paths, examples...) {
		t.Run(path, func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var n yaml.Node
			if err := yaml.Unmarshal(b, &n); err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(yamlToJSON(&n)); err != nil {
				t.Errorf("schema rejects %s: %v", path, err)
			}
		})
	}
}

func TestSchemaRejects(t *testing.T) {
	s := compileSchema(t)
	base := readTestdata(t, "minimal.yaml")
	tests := []struct{ name, old, new string }{
		{"unknown key", "role: controller\n", "role: controller\nrol: x\n"},
		{"bad enum", "role: controller", "role: owner"},
		{"bad period", "period: 30d", "period: 30 days"},
		{"missing required", "service: Minimal\n", ""},
		{"bad basis", `basis: {"*": contract}`, `basis: {"*": contrakt}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(edit(t, base, tt.old, tt.new)), &n); err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(yamlToJSON(&n)); err == nil {
				t.Error("schema accepted the policy")
			}
		})
	}
}

// TestSchemaMatchesStruct walks the Go model and the schema together, so a
// field added to one and not the other fails here instead of leaving editors
// to complete keys the loader rejects (or miss keys it accepts).
func TestSchemaMatchesStruct(t *testing.T) {
	doc := readSchema(t)
	defs, _ := doc["$defs"].(map[string]any)
	deref := func(s map[string]any) map[string]any {
		for {
			ref, ok := s["$ref"].(string)
			if !ok {
				return s
			}
			s, _ = defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		}
	}
	var walk func(path string, typ reflect.Type, s map[string]any)
	walk = func(path string, typ reflect.Type, s map[string]any) {
		s = deref(s)
		if s == nil {
			t.Errorf("%s: no schema", path)
			return
		}
		if s["description"] == nil && path != "" {
			// Descriptions drive editor completion; every field has one
			// either here or on its definition.
			t.Errorf("%s: no description", path)
		}
		switch typ.Kind() {
		case reflect.Pointer:
			walk(path, typ.Elem(), s)
		case reflect.Slice:
			items, _ := s["items"].(map[string]any)
			walk(path+"[]", typ.Elem(), items)
		case reflect.Map:
			ap, _ := s["additionalProperties"].(map[string]any)
			walk(path+".*", typ.Elem(), ap)
		case reflect.Struct:
			if s["additionalProperties"] != false {
				t.Errorf("%s: schema allows unknown keys", path)
			}
			props, _ := s["properties"].(map[string]any)
			var goKeys, schemaKeys []string
			for i := range typ.NumField() {
				name, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ",")
				if name == "" || name == "-" {
					continue
				}
				goKeys = append(goKeys, name)
				fs, _ := props[name].(map[string]any)
				walk(strings.TrimPrefix(path+"."+name, "."), typ.Field(i).Type, fs)
			}
			for k := range props {
				schemaKeys = append(schemaKeys, k)
			}
			slices.Sort(goKeys)
			slices.Sort(schemaKeys)
			if !slices.Equal(goKeys, schemaKeys) {
				t.Errorf("%s: Go yaml keys %v, schema properties %v", path, goKeys, schemaKeys)
			}
		case reflect.String:
			if ty, ok := s["type"]; ok && ty != "string" {
				t.Errorf("%s: schema type %v, Go string", path, ty)
			}
		case reflect.Bool:
			if s["type"] != "boolean" {
				t.Errorf("%s: schema type %v, Go bool", path, s["type"])
			}
		case reflect.Int:
			if s["type"] != "integer" {
				t.Errorf("%s: schema type %v, Go int", path, s["type"])
			}
		}
	}
	walk("", reflect.TypeOf(policy.Policy{}), doc)
}

// TestSchemaEnumsMatchValidator checks that each closed set the loader
// enforces is the same set the schema offers.
func TestSchemaEnumsMatchValidator(t *testing.T) {
	defs, _ := readSchema(t)["$defs"].(map[string]any)
	for name, want := range policy.Enums() {
		def, _ := defs[name].(map[string]any)
		raw, _ := def["enum"].([]any)
		var got []string
		for _, v := range raw {
			got = append(got, v.(string))
		}
		if !slices.Equal(got, want) {
			t.Errorf("$defs.%s.enum = %v, validator allows %v", name, got, want)
		}
	}
}
