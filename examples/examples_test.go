package examples_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/privet-dev/privet/policy"
)

// services maps each example folder to the promise ids its seed policy makes
// (PROMISES.md). The list is written out here, not read from elsewhere, so a
// promise dropped from a policy fails this test instead of going unnoticed.
var services = map[string]struct {
	prefix string
	ids    int
}{
	"cipo-cloud":     {prefix: "C", ids: 15},
	"pypeserver":     {prefix: "P", ids: 16},
	"kipsu":          {prefix: "K", ids: 11},
	"cooper":         {prefix: "O", ids: 10},
	"codropshipping": {prefix: "D", ids: 21},
}

func promiseIDs(prefix string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = prefix + strconv.Itoa(i+1)
	}
	return ids
}

func TestExamplesLoad(t *testing.T) {
	for name := range services {
		t.Run(name, func(t *testing.T) {
			c, err := policy.Load(filepath.Join(name, "policy.yaml"))
			if err != nil {
				t.Fatalf("policy.Load: %v", err)
			}
			if c.Policy.Service != name {
				t.Errorf("service = %q, want the folder name %q", c.Policy.Service, name)
			}
		})
	}
}

// TestEveryPromiseIsTraced checks that each promise id of a service appears in
// a YAML comment of its policy, and that no comment names an id the service
// does not have (a typo such as C16 would otherwise trace nothing).
func TestEveryPromiseIsTraced(t *testing.T) {
	for name, s := range services {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(name, "policy.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			found := commentIDs(t, data, s.prefix)
			want := promiseIDs(s.prefix, s.ids)
			for _, id := range want {
				if !found[id] {
					t.Errorf("promise %s is not named in any comment of %s/policy.yaml", id, name)
				}
			}
			for id := range found {
				if !slices.Contains(want, id) {
					t.Errorf("comment names %s, which is not a promise of %s", id, name)
				}
			}
		})
	}
}

// commentIDs returns the promise ids named in the comments of a YAML
// document. Comments are taken from the parsed node tree, so a "#" inside a
// quoted value (an address such as "Rd #312") is not mistaken for one.
func commentIDs(t *testing.T, data []byte, prefix string) map[string]bool {
	t.Helper()
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		t.Fatalf("yaml: %v", err)
	}
	idPattern := regexp.MustCompile(`\b` + prefix + `([1-9][0-9]?)\b`)
	found := map[string]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
			for _, m := range idPattern.FindAllString(c, -1) {
				found[m] = true
			}
		}
		for _, child := range n.Content {
			walk(child)
		}
	}
	walk(&root)
	return found
}

func TestCommentIDs(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"line comment", "a: 1  # C3\n", []string{"C3"}},
		{"head comment with several ids", "# C1, C12: x\na: 1\n", []string{"C1", "C12"}},
		{"hash inside a quoted value is not a comment", "a: \"Rd #C4\"\n", nil},
		{"id glued to other text is not an id", "a: 1  # ABC7 C7x\n", nil},
		{"other services' ids are ignored", "a: 1  # P3 K5\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := commentIDs(t, []byte(tt.yaml), "C")
			var ids []string
			for id := range got {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			if strings.Join(ids, ",") != strings.Join(tt.want, ",") {
				t.Errorf("ids = %v, want %v", ids, tt.want)
			}
		})
	}
}
