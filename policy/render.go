package policy

import (
	"embed"
	htmltemplate "html/template"
	"io"
	texttemplate "text/template"

	"github.com/privet-dev/privet"
)

//go:embed templates
var templateFiles embed.FS

// The templates are parsed once, when the package loads, so a broken
// template stops the binary at start instead of on the first render.
var (
	markdownNotice = texttemplate.Must(texttemplate.New("notice.md.tmpl").
			Funcs(texttemplate.FuncMap{"join": list}).ParseFS(templateFiles, "templates/notice.md.tmpl"))
	htmlNotice = htmltemplate.Must(htmltemplate.New("notice.html.tmpl").
			Funcs(htmltemplate.FuncMap{"join": list}).ParseFS(templateFiles, "templates/notice.html.tmpl"))
)

// RenderMarkdown writes the privacy notice people read, in Markdown.
func RenderMarkdown(c *Compiled, w io.Writer) error {
	if err := markdownNotice.Execute(w, buildNotice(c)); err != nil {
		return privet.Errorf(privet.EINTERNAL, "render markdown notice: %v", err)
	}
	return nil
}

// RenderHTML writes the privacy notice as a complete, accessible HTML page
// that needs no external assets.
func RenderHTML(c *Compiled, w io.Writer) error {
	if err := htmlNotice.Execute(w, buildNotice(c)); err != nil {
		return privet.Errorf(privet.EINTERNAL, "render HTML notice: %v", err)
	}
	return nil
}
