package export

import (
	"bufio"
	"encoding/json"
	"io"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/vault"
)

// dataSubject is the subject's metadata in data.json.
type dataSubject struct {
	ID             string               `json:"id"`
	Jurisdiction   string               `json:"jurisdiction"`
	Status         privet.SubjectStatus `json:"status"`
	AgeBand        string               `json:"age_band,omitempty"`
	BirthDate      string               `json:"birth_date,omitempty"`
	CreatedAt      time.Time            `json:"created_at"`
	UpdatedAt      time.Time            `json:"updated_at"`
	LastActivityAt time.Time            `json:"last_activity_at"`
	ClosedAt       *time.Time           `json:"closed_at,omitempty"`
	Withheld       []string             `json:"withheld,omitempty"`
}

// dataField is one field in data.json.
type dataField struct {
	Name      string    `json:"name"`
	Category  string    `json:"category"`
	Value     string    `json:"value"`
	Masked    bool      `json:"masked,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// accessEntry is one audit event as the subject sees it: what was done with
// their data, by which kind of actor, for which purpose. The actor's own id
// (an API key, an operator) is the controller's business, not the subject's.
type accessEntry struct {
	Time       time.Time `json:"time"`
	ActorType  string    `json:"actor_type"`
	Action     string    `json:"action"`
	Purpose    string    `json:"purpose,omitempty"`
	Categories []string  `json:"categories,omitempty"`
	Result     string    `json:"result"`
}

func accessOf(e *privet.AuditEvent) accessEntry {
	return accessEntry{Time: e.Time.UTC(), ActorType: e.ActorType, Action: e.Action, Purpose: e.Purpose,
		Categories: e.Categories, Result: e.Result}
}

// jsonStream writes one JSON document a value at a time.
type jsonStream struct {
	w   *bufio.Writer
	enc *json.Encoder
	err error
}

func newJSONStream(w io.Writer) *jsonStream {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &jsonStream{w: bw, enc: enc}
}

func (s *jsonStream) raw(t string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(t)
	}
}

func (s *jsonStream) value(v any) {
	if s.err == nil {
		s.err = s.enc.Encode(v)
	}
}

// key writes a member name and its value; first is false after the first member.
func (s *jsonStream) member(name string, v any, first bool) {
	if !first {
		s.raw(",")
	}
	s.value(name)
	s.raw(":")
	s.value(v)
}

func (s *jsonStream) flush() error {
	if s.err == nil {
		s.err = s.w.Flush()
	}
	return s.err
}

// array writes the items as a JSON array, one Encode each.
func array[T any](s *jsonStream, items []T, conv func(T) any) {
	s.raw("[")
	for i, it := range items {
		if i > 0 {
			s.raw(",")
		}
		s.value(conv(it))
	}
	s.raw("]")
}

// writeData writes data.json, passing once over the fields, and returns
// what that pass learned about their categories.
func (z *archive) writeData(in Contents, d *disclosures) (categorySet, error) {
	w, err := z.create("data.json")
	if err != nil {
		return categorySet{}, err
	}
	s := newJSONStream(w)
	v := in.Subject
	s.raw("{")
	s.member("format", Format, true)
	s.member("generated_at", in.GeneratedAt, false)
	s.member("controller", d.Controller, false)
	s.member("subject", dataSubject{ID: v.ID, Jurisdiction: v.Jurisdiction, Status: v.Status, AgeBand: v.AgeBand,
		BirthDate: v.BirthDate, CreatedAt: v.CreatedAt.UTC(), UpdatedAt: v.UpdatedAt.UTC(),
		LastActivityAt: v.LastActivityAt.UTC(), ClosedAt: v.ClosedAt, Withheld: v.Withheld}, false)
	s.raw(",")
	s.value("identities")
	s.raw(":")
	array(s, v.Identities, func(i vault.IdentityView) any { return i })

	s.raw(",")
	s.value("fields")
	s.raw(":[")
	sc := newScanner()
	n := 0
	for f, err := range in.Fields {
		if err != nil {
			return categorySet{}, err
		}
		if n > 0 {
			s.raw(",")
		}
		n++
		sc.add(f.Category)
		s.value(dataField{Name: f.Name, Category: f.Category, Value: f.Value, Masked: f.Masked, UpdatedAt: f.UpdatedAt.UTC()})
		if s.err != nil {
			return categorySet{}, s.err
		}
	}
	s.raw("]")

	s.raw(",")
	s.value("consents")
	s.raw(":")
	array(s, in.Consents, func(e *privet.ConsentEvent) any { return e })
	s.raw(",")
	s.value("access_history")
	s.raw(":")
	array(s, in.Access, func(e *privet.AuditEvent) any { return accessOf(e) })
	s.member("disclosures", d, false)
	s.raw("}\n")
	return sc.result(), s.flush()
}

// writeConsents writes consents.json and one receipts/<id>.jws per receipt.
func (z *archive) writeConsents(in Contents) error {
	w, err := z.create("consents.json")
	if err != nil {
		return err
	}
	s := newJSONStream(w)
	array(s, in.Consents, func(e *privet.ConsentEvent) any { return e })
	s.raw("\n")
	if err := s.flush(); err != nil {
		return err
	}
	names := newNamer()
	for _, id := range sortedKeys(in.Receipts) {
		w, err := z.create("receipts/" + names.name(id) + ".jws")
		if err != nil {
			return err
		}
		if _, err := w.Write(in.Receipts[id]); err != nil {
			return err
		}
	}
	return nil
}

// writeAccess writes access_history.json.
func (z *archive) writeAccess(in Contents) error {
	w, err := z.create("access_history.json")
	if err != nil {
		return err
	}
	s := newJSONStream(w)
	array(s, in.Access, func(e *privet.AuditEvent) any { return accessOf(e) })
	s.raw("\n")
	return s.flush()
}
