package policy

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/privet-dev/privet"
)

// Explain writes a plain-text table of every purpose in every served
// jurisdiction: the lawful basis, the consent mechanism that applies there
// (after the law's opt-in requirements), and the retention rules that cover
// the data the purpose reads. It is what a reviewer checks before a policy
// goes live.
func Explain(c *Compiled, w io.Writer) error {
	p := c.Policy
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s, policy version %s, effective %s\n\n", p.Service, p.Version, p.Effective)
	fmt.Fprintln(tw, "PURPOSE\tJURISDICTION\tBASIS\tCONSENT\tRETENTION")
	for _, pu := range p.Purposes {
		retention := c.retentionOf(pu)
		for i, place := range p.Jurisdictions {
			name, ret := pu.Key, strings.Join(retention, "; ")
			if i > 0 {
				name, ret = "", ""
			}
			basis := c.Basis(pu.Key, place)
			if basis == "" {
				basis = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, place, basis, c.Mechanism(pu.Key, place), ret)
		}
	}
	if err := tw.Flush(); err != nil {
		return privet.Errorf(privet.EINTERNAL, "write explanation: %v", err)
	}
	// tabwriter pads the empty last cell of continuation rows; trailing
	// blanks only make diffs noisy.
	lines := strings.Split(buf.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	if _, err := io.WriteString(w, strings.Join(lines, "\n")); err != nil {
		return privet.Errorf(privet.EINTERNAL, "write explanation: %v", err)
	}
	return nil
}

// retentionOf lists, in policy order, the rules that cover pu: rules naming
// it, and rules covering a category it reads.
func (c *Compiled) retentionOf(pu Purpose) []string {
	var out []string
	for _, r := range c.Policy.Retention.Rules {
		covers := slices.Contains(r.Purposes, pu.Key)
		for _, cat := range pu.Categories {
			covers = covers || c.ruleCovers(RetentionRule{Categories: r.Categories}, cat)
		}
		if covers {
			out = append(out, fmt.Sprintf("%s: %s %s after %s", r.Key, r.Action, r.Period, r.Trigger))
		}
	}
	if len(out) == 0 {
		return []string{"none"}
	}
	return out
}
