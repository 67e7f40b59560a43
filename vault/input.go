package vault

import (
	"fmt"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/identity"
	"github.com/privet-dev/privet/jurisdiction"
	"github.com/privet-dev/privet/policy"
)

// IdentityInput is an identity as a caller gives it, before normalization.
type IdentityInput struct {
	Type  privet.IdentityType `json:"type"`
	Value string              `json:"value"`
}

// FieldInput is a field as a caller gives it.
type FieldInput struct {
	Name     string `json:"name"`
	Category string `json:"category"`
	Value    string `json:"value"`
}

// CreateInput describes a new subject.
type CreateInput struct {
	Jurisdiction string          `json:"jurisdiction"`
	BirthDate    string          `json:"birth_date,omitempty"`
	AgeBand      string          `json:"age_band,omitempty"`
	Identities   []IdentityInput `json:"identities"`
	Fields       []FieldInput    `json:"fields,omitempty"`
}

// AgeBands are the accepted coarse ages.
var AgeBands = []string{"under_13", "13_15", "16_17", "adult"}

var fieldNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_.-]*$`)

// normalizedIdentity is an identity after normalization, ready to index and seal.
type normalizedIdentity struct {
	typ   privet.IdentityType
	value string
}

func checkJurisdiction(field, place string) error {
	if !jurisdiction.ValidPlace(place) {
		return privet.FieldError(field, "must be an ISO 3166-1 country or ISO 3166-2 subdivision code, e.g. DE or US-CA")
	}
	return nil
}

func checkBirthDate(field, date string, now time.Time) error {
	if date == "" {
		return nil
	}
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return privet.FieldError(field, "must be a date in the form YYYY-MM-DD")
	}
	if t.After(now) {
		return privet.FieldError(field, "must not be in the future")
	}
	return nil
}

func checkAgeBand(field, band string) error {
	if band != "" && !slices.Contains(AgeBands, band) {
		return privet.FieldError(field, "must be one of %v", AgeBands)
	}
	return nil
}

// normalizeIdentities validates and normalizes identities; errors name the
// position and type, never the value.
func normalizeIdentities(c *policy.Compiled, in []IdentityInput, field string) ([]normalizedIdentity, error) {
	if len(in) > MaxIdentities {
		return nil, &privet.Error{Code: privet.ETOOLARGE, Field: field, Message: fmt.Sprintf("at most %d identities", MaxIdentities)}
	}
	out := make([]normalizedIdentity, 0, len(in))
	seen := map[normalizedIdentity]bool{}
	for i, id := range in {
		f := fmt.Sprintf("%s[%d]", field, i)
		if !slices.Contains(privet.IdentityTypes, id.Type) {
			return nil, privet.FieldError(f+".type", "must be one of %v", privet.IdentityTypes)
		}
		if cat := identityCategory(id.Type); !c.Collects(cat) {
			return nil, privet.FieldError(f+".type", "the policy does not collect %s, the category of %s identities", cat, id.Type)
		}
		v, err := identity.Normalize(id.Type, id.Value)
		if err != nil {
			return nil, privet.FieldError(f+".value", "invalid %s", id.Type)
		}
		n := normalizedIdentity{typ: id.Type, value: v}
		if seen[n] {
			return nil, privet.FieldError(f, "duplicate %s identity", id.Type)
		}
		seen[n] = true
		out = append(out, n)
	}
	return out, nil
}

// checkFields validates fields against the policy: every category must be
// one the policy collects.
func checkFields(c *policy.Compiled, in []FieldInput, field string) error {
	if len(in) > MaxFields {
		return &privet.Error{Code: privet.ETOOLARGE, Field: field, Message: fmt.Sprintf("at most %d fields", MaxFields)}
	}
	names := map[string]bool{}
	for i, fi := range in {
		f := fmt.Sprintf("%s[%d]", field, i)
		if len(fi.Name) > maxFieldNameBytes || !fieldNamePattern.MatchString(fi.Name) {
			return privet.FieldError(f+".name", "must be 1 to %d characters: lower-case letters, digits, '_', '.', '-', starting with a letter", maxFieldNameBytes)
		}
		if names[fi.Name] {
			return privet.FieldError(f+".name", "duplicate field name %q", fi.Name)
		}
		names[fi.Name] = true
		if fi.Category == "" {
			return privet.FieldError(f+".category", "is required")
		}
		if !c.Collects(fi.Category) {
			return privet.FieldError(f+".category", "the policy does not collect category %q", fi.Category)
		}
		if len(fi.Value) > MaxFieldValueBytes {
			return &privet.Error{Code: privet.ETOOLARGE, Field: f + ".value", Message: fmt.Sprintf("is over %d bytes", MaxFieldValueBytes)}
		}
		if !utf8.ValidString(fi.Value) {
			return privet.FieldError(f+".value", "must be valid UTF-8")
		}
	}
	return nil
}

func (in *CreateInput) validate(c *policy.Compiled, now time.Time) ([]normalizedIdentity, error) {
	if err := checkJurisdiction("jurisdiction", in.Jurisdiction); err != nil {
		return nil, err
	}
	if err := checkBirthDate("birth_date", in.BirthDate, now); err != nil {
		return nil, err
	}
	if err := checkAgeBand("age_band", in.AgeBand); err != nil {
		return nil, err
	}
	if len(in.Identities) == 0 {
		return nil, privet.FieldError("identities", "at least one identity is required")
	}
	ids, err := normalizeIdentities(c, in.Identities, "identities")
	if err != nil {
		return nil, err
	}
	if err := checkFields(c, in.Fields, "fields"); err != nil {
		return nil, err
	}
	held := make([]string, 0, len(ids)+len(in.Fields))
	for _, id := range ids {
		held = append(held, identityCategory(id.typ))
	}
	for _, f := range in.Fields {
		held = append(held, f.Category)
	}
	return ids, checkRequired(c, held, "fields")
}

// checkRequired refuses a subject that would lack a category the policy
// marks required. The error names the category, never a value; identities
// count as their category (an email identity is user.contact.email).
func checkRequired(c *policy.Compiled, held []string, field string) error {
	if missing := c.MissingRequired(held); len(missing) > 0 {
		return privet.FieldError(field, "the policy requires category %s: give a field or an identity of it", missing[0])
	}
	return nil
}
