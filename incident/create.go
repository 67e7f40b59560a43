package incident

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/jurisdiction"
	"github.com/privet-dev/privet/policy"
)

// Limits on an incident's texts and lists: enough for a full account of a
// breach, small enough that one request cannot fill the database.
const (
	maxTitle      = 200
	maxText       = 10_000
	maxCategories = 100
	maxPlaces     = 50
)

// NewIncident is a new breach record. Its texts describe the breach and
// must not name or quote a person: they are shown to everyone affected and,
// once published, to the public.
type NewIncident struct {
	Title string `json:"title"`
	// Description is what happened: the nature of the breach.
	Description string `json:"description"`
	// Categories are data category keys of the policy (or their parents,
	// e.g. user.contact for every contact category) the breach touched.
	Categories []string `json:"categories"`
	// DiscoveredAt is when the controller became aware; zero means now.
	DiscoveredAt time.Time   `json:"discovered_at,omitzero"`
	OccurredAt   *time.Time  `json:"occurred_at,omitempty"`
	Risk         privet.Risk `json:"risk"`
	Impact       string      `json:"impact"`
	Measures     string      `json:"measures"`
	Advice       string      `json:"advice,omitempty"`
	// PasswordReset says affected accounts must reset their password.
	PasswordReset bool `json:"password_reset,omitempty"`
	// Jurisdictions are the places or law keys whose breach rules apply;
	// empty means every jurisdiction of the policy.
	Jurisdictions []string `json:"jurisdictions,omitempty"`
}

func checkText(field, v string, max int, required bool) error {
	switch {
	case required && strings.TrimSpace(v) == "":
		return privet.FieldError(field, "is required")
	case !utf8.ValidString(v):
		return privet.FieldError(field, "is not valid UTF-8")
	case len(v) > max:
		return &privet.Error{Code: privet.ETOOLARGE, Field: field, Message: "is too long"}
	}
	return nil
}

// covers reports whether the incident category key touches a category the
// policy collects: the key itself, one below it, or one above it.
func covers(pol *policy.Compiled, key string) bool {
	if pol.Collects(key) {
		return true
	}
	for _, c := range pol.Policy.Categories {
		if strings.HasPrefix(c.Key, key+".") {
			return true
		}
	}
	return false
}

func (in *NewIncident) validate(pol *policy.Compiled, now time.Time) error {
	if err := checkText("title", in.Title, maxTitle, true); err != nil {
		return err
	}
	for _, f := range []struct {
		name, v  string
		required bool
	}{{"description", in.Description, true}, {"impact", in.Impact, true}, {"measures", in.Measures, true}, {"advice", in.Advice, false}} {
		if err := checkText(f.name, f.v, maxText, f.required); err != nil {
			return err
		}
	}
	if len(in.Categories) == 0 {
		return privet.FieldError("categories", "name at least one data category")
	}
	if len(in.Categories) > maxCategories {
		return &privet.Error{Code: privet.ETOOLARGE, Field: "categories", Message: "too many categories"}
	}
	for i, c := range in.Categories {
		if !covers(pol, c) {
			return privet.FieldError("categories["+itoa(i)+"]", "not a data category of the policy")
		}
	}
	if _, err := privet.ParseRisk(string(in.Risk)); err != nil {
		return err
	}
	if in.DiscoveredAt.After(now) {
		return privet.FieldError("discovered_at", "is in the future")
	}
	if in.OccurredAt != nil && in.OccurredAt.After(in.DiscoveredAt) {
		return privet.FieldError("occurred_at", "is after discovered_at")
	}
	if len(in.Jurisdictions) > maxPlaces {
		return &privet.Error{Code: privet.ETOOLARGE, Field: "jurisdictions", Message: "too many jurisdictions"}
	}
	for i, p := range in.Jurisdictions {
		if _, ok := jurisdiction.Lookup(p); !ok {
			return privet.FieldError("jurisdictions["+itoa(i)+"]", "unknown jurisdiction")
		}
	}
	return nil
}

// Create records a breach. The clocks of the law start at DiscoveredAt.
func (s *Service) Create(ctx context.Context, actor privet.Actor, tenantID string, in NewIncident) (*privet.Incident, error) {
	pol, err := s.policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	now := s.clock().Now()
	if in.DiscoveredAt.IsZero() {
		in.DiscoveredAt = now
	}
	if err := in.validate(pol, now); err != nil {
		return nil, err
	}
	places := in.Jurisdictions
	if len(places) == 0 {
		places = slices.Clone(pol.Policy.Jurisdictions)
	}
	inc := &privet.Incident{
		ID: privet.NewID(privet.PrefixIncident), TenantID: tenantID, Title: strings.TrimSpace(in.Title),
		Description: in.Description, Categories: sortedSet(in.Categories), DiscoveredAt: in.DiscoveredAt.UTC(),
		Status: privet.IncidentOpen, Risk: in.Risk, Impact: in.Impact, Measures: in.Measures, Advice: in.Advice,
		PasswordReset: in.PasswordReset, Jurisdictions: places, CreatedAt: now, UpdatedAt: now,
	}
	if in.OccurredAt != nil {
		t := in.OccurredAt.UTC()
		inc.OccurredAt = &t
	}
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		if err := tx.CreateIncident(ctx, inc); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, auditEvent(actor, inc, "incident.create", s.clock()))
	})
	if err != nil {
		return nil, err
	}
	return inc, nil
}

func sortedSet(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

func itoa(i int) string { return strconv.Itoa(i) }
