package export

import (
	"bufio"
	"embed"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/vault"
)

//go:embed templates/index.html
var templateFS embed.FS

// page is parsed once, when the program starts: a broken template fails the
// start, not a person's request. It is executed in parts (head, each
// category and field, tail) so the fields stream.
var page = template.Must(template.New("index.html").Funcs(template.FuncMap{
	"fmtTime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2 January 2006 15:04 UTC")
	},
	"join": strings.Join,
	// covers lists what a retention rule covers: categories, purposes and
	// privet's own records.
	"covers": func(r policy.RetentionRule) []string {
		return slices.Concat(r.Categories, r.Purposes, r.Records)
	},
	"short": func(s string) string {
		if len(s) > 12 {
			return s[:12]
		}
		return s
	},
}).ParseFS(templateFS, "templates/index.html"))

type pageData struct {
	D        *disclosures
	S        vault.SubjectView
	At       time.Time
	Consents []*privet.ConsentEvent
	Access   []accessEntry
}

// writeHTML writes index.html: a page a person can read.
func (z *archive) writeHTML(in Contents, d *disclosures, cats categorySet) error {
	w, err := z.create("index.html")
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	access := make([]accessEntry, len(in.Access))
	for i, e := range in.Access {
		access[i] = accessOf(e)
	}
	data := pageData{D: d, S: in.Subject, At: in.GeneratedAt, Consents: in.Consents, Access: access}
	if err := page.ExecuteTemplate(bw, "head", data); err != nil {
		return err
	}
	err = eachCategory(in, cats,
		func(cat string) error { return page.ExecuteTemplate(bw, "category", d.category(cat)) },
		func(f vault.FieldView) error { return page.ExecuteTemplate(bw, "field", f) },
		func(string) error { return page.ExecuteTemplate(bw, "category_end", nil) })
	if err != nil {
		return err
	}
	if err := page.ExecuteTemplate(bw, "tail", data); err != nil {
		return err
	}
	return bw.Flush()
}
