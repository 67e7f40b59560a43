package incident

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/taxonomy"
)

// BreachReport is the notification to a regulator, with what GDPR Art. 33(3)
// asks it to contain: (a) the nature of the breach, the categories and
// approximate numbers of people and records concerned; (b) the contact point
// (the data protection officer); (c) the likely consequences; (d) the
// measures taken or proposed. It names no person.
type BreachReport struct {
	IncidentID   string      `json:"incident_id"`
	Title        string      `json:"title"`
	Controller   string      `json:"controller"`
	Nature       string      `json:"nature"`
	DiscoveredAt time.Time   `json:"discovered_at"`
	OccurredAt   *time.Time  `json:"occurred_at,omitempty"`
	Risk         privet.Risk `json:"risk"`
	// Categories are the data categories concerned, with their names.
	Categories []BreachCategory `json:"categories"`
	// People and Records are approximate: the subjects recorded as affected
	// and their fields and identities of the categories concerned.
	People  int64 `json:"people"`
	Records int64 `json:"records"`
	// Contact is where the regulator obtains more information: the DPO if
	// the policy names one, else the controller.
	Contact      policy.Contact `json:"contact"`
	Consequences string         `json:"consequences"`
	Measures     string         `json:"measures"`
	// PeopleNotice says what people were or will be told.
	PeopleNotice  string       `json:"people_notice"`
	PasswordReset bool         `json:"password_reset"`
	Obligations   []Obligation `json:"obligations"`
	GeneratedAt   time.Time    `json:"generated_at"`
}

// BreachCategory is a data category in a report.
type BreachCategory struct {
	Key  string `json:"key"`
	Name string `json:"name,omitempty"`
}

// RegulatorReport builds the report to the regulator. Making one is audited.
func (s *Service) RegulatorReport(ctx context.Context, actor privet.Actor, tenantID, id string) (*BreachReport, error) {
	pol, err := s.policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	v, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	inc := v.Incident
	now := s.clock().Now()
	c := pol.Policy.Controller
	r := &BreachReport{
		IncidentID: inc.ID, Title: inc.Title, Controller: c.Name, Nature: inc.Description,
		DiscoveredAt: inc.DiscoveredAt, OccurredAt: inc.OccurredAt, Risk: inc.Risk,
		People: v.Affected.People, Records: v.Affected.Records,
		Contact:      policy.Contact{Name: c.Name, Email: c.Email, Phone: c.Phone, Address: c.Address},
		Consequences: inc.Impact, Measures: inc.Measures, PasswordReset: inc.PasswordReset,
		Obligations: v.Obligations, GeneratedAt: now,
	}
	if c.DPO != nil {
		r.Contact = *c.DPO
	}
	for _, key := range inc.Categories {
		rc := BreachCategory{Key: key}
		if e, ok := pol.Taxonomy.Get(taxonomy.Category, key); ok {
			rc.Name = e.Name
		}
		r.Categories = append(r.Categories, rc)
	}
	switch {
	case inc.PeopleNotifiedAt != nil:
		r.PeopleNotice = fmt.Sprintf("%d of %d people notified individually by email since %s", v.Affected.Notified, v.Affected.People, inc.PeopleNotifiedAt.Format(time.RFC3339))
	case inc.PublicNoticeAt != nil:
		r.PeopleNotice = "public notice published " + inc.PublicNoticeAt.Format(time.RFC3339)
	default:
		r.PeopleNotice = "not yet notified"
	}
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		return tx.AppendAudit(ctx, auditEvent(actor, inc, "incident.report", s.clock()))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Markdown renders the report for a regulator's form or email.
func (r *BreachReport) Markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("# Personal data breach notification: %s", r.Title)
	p("")
	p("Controller: %s  ", r.Controller)
	p("Reference: %s  ", r.IncidentID)
	p("Report generated: %s", r.GeneratedAt.Format(time.RFC3339))
	p("")
	p("## Nature of the breach (Art. 33(3)(a))")
	p("%s", r.Nature)
	p("")
	if r.OccurredAt != nil {
		p("- Occurred: %s", r.OccurredAt.Format(time.RFC3339))
	}
	p("- Discovered: %s", r.DiscoveredAt.Format(time.RFC3339))
	p("- Risk to people: %s", r.Risk)
	p("- Approximate number of people concerned: %d", r.People)
	p("- Approximate number of records concerned: %d", r.Records)
	p("- Categories of personal data:")
	for _, c := range r.Categories {
		if c.Name != "" {
			p("  - %s (%s)", c.Name, c.Key)
		} else {
			p("  - %s", c.Key)
		}
	}
	p("")
	p("## Contact point (Art. 33(3)(b))")
	contact := []string{r.Contact.Name}
	for _, v := range []string{r.Contact.Email, r.Contact.Phone, r.Contact.Address} {
		if v != "" {
			contact = append(contact, v)
		}
	}
	p("%s", strings.Join(contact, ", "))
	p("")
	p("## Likely consequences (Art. 33(3)(c))")
	p("%s", r.Consequences)
	p("")
	p("## Measures taken or proposed (Art. 33(3)(d))")
	p("%s", r.Measures)
	if r.PasswordReset {
		p("")
		p("Affected accounts are required to reset their password.")
	}
	p("")
	p("## Communication to the people concerned (Art. 34)")
	p("%s", r.PeopleNotice)
	if len(r.Obligations) > 0 {
		p("")
		p("## Deadlines")
		p("| jurisdiction | to | required | due | timing | done | citation |")
		p("|---|---|---|---|---|---|---|")
		for _, o := range r.Obligations {
			due, done := "-", "-"
			if o.Due != nil {
				due = o.Due.Format(time.RFC3339)
			}
			if o.Done != nil {
				done = o.Done.Format(time.RFC3339)
			}
			p("| %s | %s | %v | %s | %s | %s | %s |", o.Jurisdiction, o.Audience, o.Required, due, o.Timing, done, o.Citation)
		}
	}
	return b.String()
}
