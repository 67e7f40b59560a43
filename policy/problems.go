package policy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/privet-dev/privet"
)

// Problem is one thing wrong with a policy file, at the place it was written.
type Problem struct {
	Path    string // field path, e.g. "purposes[2].basis.EU"
	Line    int    // 1-based; 0 when the file has no position for it
	Column  int
	Message string
}

func (p Problem) String() string {
	path := p.Path
	if path == "" {
		path = "(policy)"
	}
	return fmt.Sprintf("%d:%d: %s: %s", p.Line, p.Column, path, p.Message)
}

// Problems is every problem found in one policy file. It wraps an EINVALID
// *privet.Error whose message lists them all, so privet.ErrorCode reports
// EINVALID while errors.As can still recover the list.
type Problems struct {
	Name string
	List []Problem
}

// Error lists each problem on its own line as "name:line:col: path: problem".
func (ps *Problems) Error() string { return ps.err().Error() }

// Unwrap exposes the domain error.
func (ps *Problems) Unwrap() error { return ps.err() }

func (ps *Problems) err() *privet.Error {
	// A file that is not a policy at all can yield thousands of problems;
	// the first ones are enough to see what went wrong.
	const shown = 50
	lines := make([]string, 0, min(len(ps.List), shown+1))
	for i, p := range ps.List {
		if i == shown {
			lines = append(lines, fmt.Sprintf("... and %d more", len(ps.List)-shown))
			break
		}
		lines = append(lines, ps.Name+":"+p.String())
	}
	msg := "invalid policy"
	if len(lines) == 1 {
		msg += ": " + lines[0]
	} else {
		msg += fmt.Sprintf(" (%d problems):\n", len(ps.List)) + strings.Join(lines, "\n")
	}
	return &privet.Error{Code: privet.EINVALID, Message: msg}
}

// sortProblems orders problems as they appear in the file, so an author can
// fix them top to bottom.
func sortProblems(list []Problem) {
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Line != list[j].Line {
			return list[i].Line < list[j].Line
		}
		return list[i].Column < list[j].Column
	})
}
