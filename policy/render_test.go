package policy_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/privet-dev/privet/policy"
)

func TestRenderGolden(t *testing.T) {
	for _, name := range []string{"rich", "minimal"} {
		c, err := policy.Load("testdata/" + name + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		var md, html bytes.Buffer
		if err := policy.RenderMarkdown(c, &md); err != nil {
			t.Fatal(err)
		}
		if err := policy.RenderHTML(c, &html); err != nil {
			t.Fatal(err)
		}
		golden(t, name+".notice.md", md.Bytes())
		golden(t, name+".notice.html", html.Bytes())
	}
}

func TestRenderSaysThePromises(t *testing.T) {
	c := loadRich(t)
	var md, html bytes.Buffer
	if err := policy.RenderMarkdown(c, &md); err != nil {
		t.Fatal(err)
	}
	if err := policy.RenderHTML(c, &html); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"deleted 180 days after the account is closed",
		"unless we must keep it longer because of tax and accounting rules or legal claims",
		"Example Representative GmbH",
		"Data Protection Officer",
		"only after you opt in",
		"until you opt out",
		"standard contractual clauses",
		"We do not knowingly collect data of children under 16",
		"We answer complaints within 45 days",
		"at least 30 days before they take effect",
		"1 March 2024",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q", want)
		}
		if !strings.Contains(html.String(), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "http://", "<link", "src="} {
		if strings.Contains(html.String(), bad) {
			t.Errorf("HTML holds %q: the page must need no external assets", bad)
		}
	}
	for _, want := range []string{`<html lang="en">`, "<main", `scope="col"`, "<caption>"} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

func TestRenderHTMLEscapes(t *testing.T) {
	src := edit(t, readTestdata(t, "minimal.yaml"), "service: Minimal", `service: "<script>alert(1)</script>"`)
	c, err := policy.Parse("p.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var html bytes.Buffer
	if err := policy.RenderHTML(c, &html); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html.String(), "<script>alert") {
		t.Error("RenderHTML did not escape the service name")
	}
}
