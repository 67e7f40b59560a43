package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/export"
	"github.com/privet-dev/privet/vault"
)

const (
	hostileHTML  = `<script>alert("x")</script>`
	hostileCSV   = `=HYPERLINK("http://evil.example","click")`
	hostileName  = "+cmd|' /C calc'!A0"
	hostileMinus = "-2+3"
	hostileAt    = "@SUM(A1)"
)

func hostileContents(t *testing.T) export.Contents { return hostileContentsTB(t) }

func hostileContentsTB(t testing.TB) export.Contents {
	v := subjectView(0)
	v.Identities = append(v.Identities, vault.IdentityView{Type: privet.IdentityExternalID, Value: hostileHTML})
	v.Fields = []vault.FieldView{
		{Name: "email", Category: "user.contact.email", Value: "ada@example.com", UpdatedAt: t0},
		{Name: "bio", Category: "user.account", Value: hostileHTML, UpdatedAt: t0},
		{Name: "name", Category: "user.name", Value: hostileCSV, UpdatedAt: t0},
		{Name: hostileName, Category: "user.name", Value: hostileMinus, UpdatedAt: t0},
		{Name: "title", Category: "user.professional_information", Value: hostileAt, UpdatedAt: t0},
		{Name: "multi", Category: "user.account", Value: "line one\nline \"two\", with comma", UpdatedAt: t0},
	}
	return export.Contents{
		Subject: v,
		Consents: []*privet.ConsentEvent{
			{ID: "con_1", Seq: 1, SubjectID: "sub_1", Purpose: "marketing.communications.email", State: privet.StateGiven,
				Source: privet.SourceBanner, PolicyVersion: "abc", Time: t0},
			{ID: "con_2", Seq: 2, SubjectID: "sub_1", Purpose: "marketing.communications.email", State: privet.StateWithdrawn,
				Source: privet.SourceEmailLink, PolicyVersion: "abc", Time: t0.Add(1)},
		},
		Receipts: map[string][]byte{"con_1": []byte("eyJhbGciOiJFZERTQSJ9.e30.sig"), "../con_2": []byte("x.y.z")},
		Access: []*privet.AuditEvent{{Time: t0, ActorType: privet.ActorAPIKey, ActorID: "key_secret_id", Action: "subject.read",
			SubjectID: "sub_1", Purpose: "essential.service", Categories: []string{"user.contact.email"}, Result: privet.ResultOK}},
		Policy:      examplePolicy(t),
		GeneratedAt: t0,
	}
}

// unzip reads every file of an archive.
func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a ZIP: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		if _, dup := files[f.Name]; dup {
			t.Fatalf("duplicate file %s", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name] = data
	}
	return files
}

func write(t *testing.T, in export.Contents) map[string][]byte {
	t.Helper()
	var buf bytes.Buffer
	if err := export.Write(context.Background(), &buf, in); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return unzip(t, buf.Bytes())
}

func TestWriteStructure(t *testing.T) {
	in := hostileContents(t)
	files := write(t, in)

	want := []string{"data.json", "index.html", "consents.json", "access_history.json", "receipts/con_1.jws", "receipts/_._con_2.jws",
		"categories/user.contact.email.csv", "categories/user.account.csv", "categories/user.name.csv",
		"categories/user.professional_information.csv"}
	got := slices.Sorted(func(yield func(string) bool) {
		for k := range files {
			if !yield(k) {
				return
			}
		}
	})
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("files %q, want %q", got, want)
	}
	if string(files["receipts/con_1.jws"]) != string(in.Receipts["con_1"]) {
		t.Errorf("receipt changed: %q", files["receipts/con_1.jws"])
	}

	t.Run("data.json", func(t *testing.T) {
		var d struct {
			Format     string                `json:"format"`
			Subject    struct{ ID string }   `json:"subject"`
			Identities []vault.IdentityView  `json:"identities"`
			Fields     []vault.FieldView     `json:"fields"`
			Consents   []privet.ConsentEvent `json:"consents"`
			Access     []map[string]any      `json:"access_history"`
			Disc       struct {
				Controller struct{ Name string }
				Purposes   []struct {
					Key   string
					Basis string `json:"lawful_basis"`
				}
				Recipients []struct{ Name, Country string }
			} `json:"disclosures"`
		}
		if err := json.Unmarshal(files["data.json"], &d); err != nil {
			t.Fatalf("data.json does not parse: %v", err)
		}
		if d.Format != export.Format || d.Subject.ID != "sub_1" || len(d.Identities) != 2 || len(d.Consents) != 2 || len(d.Access) != 1 {
			t.Fatalf("data.json: %+v", d)
		}
		if len(d.Fields) != len(in.Subject.Fields) {
			t.Fatalf("%d fields, want %d", len(d.Fields), len(in.Subject.Fields))
		}
		for _, f := range d.Fields {
			// JSON is for machines: values exactly as held, no CSV quoting.
			if i := slices.IndexFunc(in.Subject.Fields, func(g vault.FieldView) bool { return g.Name == f.Name }); i < 0 ||
				in.Subject.Fields[i].Value != f.Value || in.Subject.Fields[i].Category != f.Category || !f.UpdatedAt.Equal(t0) {
				t.Errorf("field %+v does not match the input", f)
			}
		}
		if _, ok := d.Access[0]["actor_id"]; ok {
			t.Error("access history names the actor's id")
		}
		if d.Disc.Controller.Name != in.Policy.Policy.Controller.Name || len(d.Disc.Purposes) != len(in.Policy.Policy.Purposes) ||
			len(d.Disc.Recipients) != len(in.Policy.Policy.Recipients) {
			t.Fatalf("disclosures: %+v", d.Disc)
		}
		for _, p := range d.Disc.Purposes {
			if want := in.Policy.Basis(p.Key, "DE"); p.Basis != want {
				t.Errorf("purpose %s basis %q, want %q", p.Key, p.Basis, want)
			}
		}
	})

	t.Run("csv", func(t *testing.T) {
		rows := map[string][]string{}
		for name, data := range files {
			if !strings.HasPrefix(name, "categories/") {
				continue
			}
			recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !slices.Equal(recs[0], []string{"name", "value", "updated_at"}) {
				t.Fatalf("%s header %q", name, recs[0])
			}
			for _, r := range recs[1:] {
				rows[r[0]] = r
			}
		}
		for name, value := range map[string]string{
			"name":            "'" + hostileCSV,
			"'" + hostileName: "'" + hostileMinus,
			"title":           "'" + hostileAt,
			"bio":             hostileHTML,
			"multi":           "line one\nline \"two\", with comma",
			"email":           "ada@example.com",
		} {
			r, ok := rows[name]
			if !ok || r[1] != value {
				t.Errorf("row %q = %q, want value %q", name, r, value)
			}
		}
		for _, r := range rows {
			for _, cell := range r {
				if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
					t.Errorf("cell %q starts a formula", cell)
				}
			}
		}
	})

	t.Run("index.html", func(t *testing.T) {
		page := string(files["index.html"])
		if strings.Contains(page, hostileHTML) || !strings.Contains(page, template.HTMLEscapeString(hostileHTML)) {
			t.Fatal("index.html does not escape a hostile value")
		}
		must := []string{in.Policy.Policy.Controller.Name, "ada@example.com", "sub_1", "subject.read", "essential.service",
			"marketing.communications.email", "withdrawn"}
		for _, c := range in.Policy.Policy.Categories {
			if c.Key == "user.contact.email" || c.Key == "user.name" {
				must = append(must, c.Description)
			}
		}
		for _, p := range in.Policy.Policy.Purposes {
			must = append(must, p.Key, p.Description)
			if b := in.Policy.Basis(p.Key, "DE"); b != "" {
				must = append(must, b)
			}
		}
		for _, r := range in.Policy.Policy.Recipients {
			must = append(must, r.Name, r.Type, r.Country)
			if r.Transfer != "" {
				must = append(must, r.Transfer)
			}
		}
		for _, r := range in.Policy.Policy.Retention.Rules {
			must = append(must, r.Key, r.Period)
		}
		for _, s := range in.Policy.Policy.Storage {
			must = append(must, s.Country)
		}
		for _, m := range must {
			if !strings.Contains(page, template.HTMLEscapeString(m)) {
				t.Errorf("index.html lacks %q", m)
			}
		}
		if strings.Contains(page, "key_secret_id") {
			t.Error("index.html names the actor's id")
		}
	})
}

// shuffled yields the fields in an order not grouped by category, so Write
// takes its one-pass-per-category path.
func shuffled(fs []vault.FieldView) iter.Seq2[vault.FieldView, error] {
	return func(yield func(vault.FieldView, error) bool) {
		for i := len(fs) - 1; i >= 0; i-- {
			if !yield(fs[i], nil) {
				return
			}
		}
	}
}

func TestWriteFieldOrder(t *testing.T) {
	in := hostileContents(t)
	in.Subject = subjectView(40)
	sorted := write(t, in)
	in.Fields = shuffled(in.Subject.Fields)
	unsorted := write(t, in)
	for name, data := range sorted {
		if !strings.HasPrefix(name, "categories/") {
			continue
		}
		a, _ := csv.NewReader(bytes.NewReader(data)).ReadAll()
		b, _ := csv.NewReader(bytes.NewReader(unsorted[name])).ReadAll()
		if len(a) != 11 || len(b) != 11 {
			t.Fatalf("%s: %d and %d rows, want 11", name, len(a), len(b))
		}
		slices.SortFunc(b[1:], func(x, y []string) int { return strings.Compare(x[0], y[0]) })
		if !slices.EqualFunc(a, b, slices.Equal) {
			t.Fatalf("%s differs between field orders", name)
		}
	}
	if len(sorted) != len(unsorted) {
		t.Fatalf("%d files sorted, %d unsorted", len(sorted), len(unsorted))
	}
}

func TestWriteErrors(t *testing.T) {
	boom := errors.New("boom")
	in := hostileContents(t)
	in.Fields = func(yield func(vault.FieldView, error) bool) {
		if yield(vault.FieldView{Name: "a", Category: "user.name"}, nil) {
			yield(vault.FieldView{}, boom)
		}
	}
	if err := export.Write(context.Background(), io.Discard, in); !errors.Is(err, boom) {
		t.Fatalf("iterator error: %v", err)
	}

	in = hostileContents(t)
	in.Policy = nil
	wantCode(t, export.Write(context.Background(), io.Discard, in), privet.EINVALID)

	// An iterator whose categories change between passes is refused, not
	// written as an archive whose files disagree.
	in = hostileContents(t)
	pass := 0
	in.Fields = func(yield func(vault.FieldView, error) bool) {
		pass++
		cats := []string{"a", "b"}
		if pass > 1 {
			cats = []string{"b", "a"}
		}
		for _, c := range cats {
			if !yield(vault.FieldView{Name: c, Category: c}, nil) {
				return
			}
		}
	}
	wantCode(t, export.Write(context.Background(), io.Discard, in), privet.EINTERNAL)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := export.Write(ctx, io.Discard, hostileContents(t)); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: %v", err)
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "plain": "plain", "=1+2": "'=1+2", "+1": "'+1", "-1": "'-1", "@x": "'@x", "\tx": "'\tx",
		"\r=x": "'\r=x", "a=b": "a=b", "'=x": "'=x",
	} {
		if got := export.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
