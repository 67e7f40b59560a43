package policy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/privet-dev/privet"
)

// MaxSize is the largest policy file accepted. Real policies are a few
// kilobytes; the cap keeps a mistaken or hostile upload from costing memory.
const MaxSize = 1 << 20

// Load reads, validates and compiles the policy file at path.
func Load(path string) (*Compiled, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, privet.Errorf(privet.ENOTFOUND, "policy file %s does not exist", path)
	}
	if err != nil {
		return nil, privet.Errorf(privet.EINVALID, "cannot open policy file %s", path)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, privet.Errorf(privet.EINVALID, "cannot read policy file %s", path)
	}
	return Parse(path, data)
}

// Parse validates and compiles a policy from its YAML source. name is used in
// error positions ("name:line:col"), usually the file name. Every problem is
// reported, not just the first: the error is a *Problems that unwraps to an
// EINVALID *privet.Error.
func Parse(name string, data []byte) (*Compiled, error) {
	if len(data) > MaxSize {
		return nil, &Problems{Name: name, List: []Problem{{Line: 1, Column: 1,
			Message: "policy is larger than " + strconv.Itoa(MaxSize>>20) + " MiB"}}}
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil && !errors.Is(err, io.EOF) {
		return nil, &Problems{Name: name, List: []Problem{syntaxProblem(err)}}
	}
	// A second document would be silently ignored: refuse it, so what is
	// reviewed is what runs.
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Problems{Name: name, List: []Problem{{Line: extra.Line, Column: extra.Column,
			Message: "a policy file holds one YAML document; remove the \"---\" and what follows"}}}
	} else if !errors.Is(err, io.EOF) {
		return nil, &Problems{Name: name, List: []Problem{syntaxProblem(err)}}
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, &Problems{Name: name, List: []Problem{{Line: 1, Column: 1, Message: "policy is empty"}}}
	}

	var p Policy
	d := newDecoder()
	d.decode(root.Content[0], reflect.ValueOf(&p).Elem(), "")
	if d.exhausted != nil {
		return nil, &Problems{Name: name, List: []Problem{*d.exhausted}}
	}

	c := compile(&p)
	sum := sha256.Sum256(data)
	c.Hash = hex.EncodeToString(sum[:])

	problems := d.problems
	for _, vp := range validate(c, d.positions) {
		if !coveredBy(vp.Path, d.problems) {
			problems = append(problems, vp)
		}
	}
	if len(problems) > 0 {
		sortProblems(problems)
		return nil, &Problems{Name: name, List: problems}
	}
	return c, nil
}

// coveredBy reports whether a semantic problem at path is only an echo of a
// decoding problem at or above it (a value of the wrong type was left empty,
// and "required" would say so a second time).
func coveredBy(path string, decoded []Problem) bool {
	for _, dp := range decoded {
		if path == dp.Path || strings.HasPrefix(path, dp.Path+".") || strings.HasPrefix(path, dp.Path+"[") {
			return true
		}
	}
	return false
}

// yamlLine finds the position in a YAML syntax error ("yaml: line 3: ...").
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+)(?:, column (\d+))?: `)

// syntaxProblem turns a YAML syntax error into a Problem at its line.
func syntaxProblem(err error) Problem {
	msg := err.Error()
	p := Problem{Line: 1, Column: 1}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			p.Column, _ = strconv.Atoi(m[2])
		}
		msg = msg[len(m[0]):]
	}
	p.Message = "YAML syntax: " + strings.TrimPrefix(msg, "yaml: ")
	return p
}
