// Package export builds the package a data-subject access or portability
// request ends in, and keeps it: Write streams a ZIP of everything privet
// holds about one subject (machine-readable JSON and CSV, a page a person
// can read, the consent history with its signed receipts, and who accessed
// the data), and Packages stores that ZIP encrypted in the database, in
// chunks, until it expires. Nothing here holds a whole package in memory:
// fields arrive through an iterator and leave through a streaming encoder.
package export

import (
	"archive/zip"
	"cmp"
	"context"
	"io"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/vault"
)

// Format names the layout of data.json, so a reader can tell versions apart.
const Format = "privet-export/v1"

// Contents is everything one package holds, as plain inputs: the caller
// reads and decrypts, this package only writes.
type Contents struct {
	// Subject is the subject's decrypted view: its metadata and identities.
	// Its Fields are written when Fields is nil.
	Subject vault.SubjectView
	// Fields yields the subject's fields, so a subject with many records is
	// written without holding them all. Write ranges over it several times
	// (once for data.json, then once per category for the CSV files and the
	// page, or once for each if the fields come ordered by category), so it
	// must yield the same fields every time. Its first error stops Write.
	Fields iter.Seq2[vault.FieldView, error]
	// Consents is the subject's consent history, in order.
	Consents []*privet.ConsentEvent
	// Receipts are the signed consent receipts (JWS), by consent event id.
	Receipts map[string][]byte
	// Access is the audit events about the subject: who touched the data.
	Access []*privet.AuditEvent
	// Policy is the policy in force: the disclosures the package repeats.
	Policy *policy.Compiled
	// GeneratedAt is when the package was made; every file carries it.
	GeneratedAt time.Time
}

// Fields yields a slice of fields ordered by category then name (the order
// Write streams fastest), without changing the slice.
func Fields(fs []vault.FieldView) iter.Seq2[vault.FieldView, error] {
	idx := make([]int, len(fs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		return cmp.Or(strings.Compare(fs[a].Category, fs[b].Category), strings.Compare(fs[a].Name, fs[b].Name))
	})
	return func(yield func(vault.FieldView, error) bool) {
		for _, i := range idx {
			if !yield(fs[i], nil) {
				return
			}
		}
	}
}

// Write writes the package as a ZIP to w, streaming: files are compressed
// as they are written and nothing is buffered whole. EINVALID if the policy
// is missing.
func Write(ctx context.Context, w io.Writer, in Contents) error {
	if in.Policy == nil {
		return privet.FieldError("policy", "a policy is required")
	}
	if in.Fields == nil {
		in.Fields = Fields(in.Subject.Fields)
	}
	if in.GeneratedAt.IsZero() {
		return privet.FieldError("generated_at", "a generation time is required")
	}
	in.GeneratedAt = in.GeneratedAt.UTC()
	z := &archive{ctx: ctx, zw: zip.NewWriter(w), at: in.GeneratedAt}
	d := buildDisclosures(in.Policy, in.Subject.Jurisdiction)

	cats, err := z.writeData(in, d)
	if err != nil {
		return err
	}
	if err := z.writeCSVs(in, cats); err != nil {
		return err
	}
	if err := z.writeHTML(in, d, cats); err != nil {
		return err
	}
	if err := z.writeConsents(in); err != nil {
		return err
	}
	if err := z.writeAccess(in); err != nil {
		return err
	}
	return z.zw.Close()
}

// archive is one ZIP being written.
type archive struct {
	ctx context.Context
	zw  *zip.Writer
	at  time.Time
}

// create starts a file; the previous one ends. Every file carries the
// generation time, so the same contents give the same archive.
func (z *archive) create(name string) (io.Writer, error) {
	if err := z.ctx.Err(); err != nil {
		return nil, err
	}
	return z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: z.at})
}

// categorySet is what the first pass over the fields learns: the categories
// present, and whether they came grouped so one pass serves every CSV.
type categorySet struct {
	keys   []string // sorted
	sorted bool     // fields arrived ordered by category
}

// scan notes each field's category as it goes by.
type scanner struct {
	seen   map[string]bool
	last   string
	sorted bool
	any    bool
}

func newScanner() *scanner { return &scanner{seen: map[string]bool{}, sorted: true} }

func (s *scanner) add(cat string) {
	if s.any && cat < s.last {
		s.sorted = false
	}
	s.seen[cat], s.last, s.any = true, cat, true
}

func (s *scanner) result() categorySet {
	return categorySet{keys: slices.Sorted(maps.Keys(s.seen)), sorted: s.sorted}
}

// eachCategory calls begin, row for each of its fields, and end, for every
// category in turn: in one pass when the fields come grouped, otherwise in
// one pass per category, so memory never grows with the number of fields.
func eachCategory(in Contents, cats categorySet, begin func(cat string) error, row func(f vault.FieldView) error, end func(cat string) error) error {
	if cats.sorted {
		open := false
		var cur string
		for f, err := range in.Fields {
			if err != nil {
				return err
			}
			if open && f.Category < cur {
				return errFieldsChanged
			}
			if !open || f.Category != cur {
				if open {
					if err := end(cur); err != nil {
						return err
					}
				}
				cur, open = f.Category, true
				if err := begin(cur); err != nil {
					return err
				}
			}
			if err := row(f); err != nil {
				return err
			}
		}
		if open {
			return end(cur)
		}
		return nil
	}
	for _, cat := range cats.keys {
		if err := begin(cat); err != nil {
			return err
		}
		for f, err := range in.Fields {
			if err != nil {
				return err
			}
			if f.Category != cat {
				continue
			}
			if err := row(f); err != nil {
				return err
			}
		}
		if err := end(cat); err != nil {
			return err
		}
	}
	return nil
}

// errFieldsChanged reports an iterator that yielded different categories on
// a later pass: the files would disagree, so the package is refused.
var errFieldsChanged = privet.Errorf(privet.EINTERNAL, "the fields changed while the package was written")
