package policies_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/policies"
	"github.com/privet-dev/privet/policy"
)

func TestTemplateRendererNotice(t *testing.T) {
	tpl, err := notify.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	r := policies.TemplateRenderer{Templates: tpl, PublicURL: "https://privacy.example.com/"}
	n := policies.Notice{
		TenantID: "ten_1", To: "ada@example.com", Service: "Example",
		Controller: policy.Controller{Name: "Example Ltd", Email: "privacy@example.com"},
		Version:    "2026-05", Effective: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC),
		Changes:      []policy.Change{{Key: "marketing.communications.email", Detail: "<b>now reads your phone number</b>"}},
		ConsentAsked: true,
	}
	m, err := r.Render(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	if m.To != n.To || !strings.Contains(m.Subject, "Example") {
		t.Errorf("to %q subject %q", m.To, m.Subject)
	}
	for _, want := range []string{"marketing.communications.email", "now reads your phone number", "ask for it again",
		"https://privacy.example.com/v1/public/policy?tenant=ten_1", "2026"} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("notice lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.HTML, "<b>now") {
		t.Error("the HTML part does not escape the change's wording")
	}
	n.ConsentAsked = false
	if m, _ := r.Render(context.Background(), n); strings.Contains(m.Text, "ask for it again") {
		t.Error("consent is said to be asked again when it is not")
	}
}
