package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestSubjectScenarios(t *testing.T) {
	e := newEnv(t)
	ada := `{"jurisdiction":"DE","identities":[{"type":"email","value":"Ada@Example.com"}],
		"fields":[{"name":"name","category":"user.name","value":"Ada Lovelace"}]}`
	w := e.do(t, "POST", "/v1/subjects", e.adminA, ada)
	if w.Code != http.StatusCreated {
		t.Fatalf("create = %d %s", w.Code, w.Body)
	}
	var created struct{ ID string }
	if err := json.Unmarshal(w.Body.Bytes(), &created); err != nil || !strings.HasPrefix(created.ID, "sub_") {
		t.Fatalf("create body %s", w.Body)
	}

	tests := []scenario{
		{Name: "duplicate email is a conflict that names the type, not the value", Method: "POST", Path: "/v1/subjects", Key: keyAdminA, Body: ada,
			ExpectedStatus: http.StatusConflict, ExpectedContent: []string{`"code":"conflict"`, `identities.email`}, NotExpected: []string{"ada@example.com", "Ada"}},
		{Name: "invalid email names the field", Method: "POST", Path: "/v1/subjects", Key: keyAdminA,
			Body:           `{"jurisdiction":"DE","identities":[{"type":"email","value":"not-an-email"}]}`,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{`identities[0].value`}, NotExpected: []string{"not-an-email"}},
		{Name: "uncollected category names it", Method: "POST", Path: "/v1/subjects", Key: keyAdminA,
			Body:           `{"jurisdiction":"DE","identities":[{"type":"email","value":"b@example.com"}],"fields":[{"name":"dna","category":"user.biometric","value":"x"}]}`,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{`fields[0].category`, `user.biometric`}},
		{Name: "oversized body", Method: "POST", Path: "/v1/subjects", Key: keyAdminA,
			Body:           `{"jurisdiction":"DE","identities":[{"type":"email","value":"c@example.com"}],"fields":[{"name":"bio","category":"user.name","value":"` + strings.Repeat("x", 8000) + `"}]}`,
			ExpectedStatus: http.StatusRequestEntityTooLarge},
		{Name: "lookup by email for a purpose, masked", Method: "POST", Path: "/v1/subjects/lookup", Key: keyAdminA,
			Body:           `{"type":"email","value":"ADA@example.com","purpose":"essential.service","masked":true}`,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{created.ID, `a***@example.com`, `"A***********"`}, NotExpected: []string{"Lovelace"}},
		{Name: "lookup without a purpose names the field", Method: "POST", Path: "/v1/subjects/lookup", Key: keyAdminA,
			Body:           `{"type":"email","value":"ada@example.com"}`,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{`"field":"purpose"`}, NotExpected: []string{"ada@"}},
		{Name: "lookup with an unknown field is refused", Method: "POST", Path: "/v1/subjects/lookup", Key: keyAdminA,
			Body:           `{"type":"email","value":"ada@example.com","purpose":"essential.service","id":"x"}`,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{`"field":"id"`}, NotExpected: []string{"Lovelace"}},
		{Name: "lookup with a wrong type is refused", Method: "POST", Path: "/v1/subjects/lookup", Key: keyAdminA,
			Body:           `{"type":"email","value":"ada@example.com","purpose":"essential.service","masked":"yes"}`,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{`"field":"masked"`}, NotExpected: []string{"Lovelace"}},
		{Name: "lookup of a type outside the enum is refused", Method: "POST", Path: "/v1/subjects/lookup", Key: keyAdminA,
			Body:           `{"type":"fax","value":"ada@example.com","purpose":"essential.service"}`,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{`"field":"type"`}, NotExpected: []string{"ada@", "Lovelace"}},
		{Name: "lookup of an overlong value does not echo it", Method: "POST", Path: "/v1/subjects/lookup", Key: keyAdminA,
			Body:           `{"type":"email","value":"` + strings.Repeat("y", 321) + `","purpose":"essential.service"}`,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{`"field":"value"`}, NotExpected: []string{"yyyyyyyy"}},
		{Name: "lookup with data after the body is refused", Method: "POST", Path: "/v1/subjects/lookup", Key: keyAdminA,
			Body:           `{"type":"email","value":"ada@example.com","purpose":"essential.service"} {}`,
			ExpectedStatus: http.StatusBadRequest, NotExpected: []string{"Lovelace"}},
		{Name: "the lookup's schema stays in the OpenAPI document", Method: "GET", Path: "/openapi.json", Key: keyAdminA,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"SubjectLookupInputBody":{"additionalProperties":false,"properties":{"masked":{"description":"Return desensitized values.","type":"boolean"},"purpose":{"description":"The data use this read serves.","maxLength":200,"type":"string"},"type":{"description":"The identity's type.","enum":["email","phone","external_id","cookie_id"],"type":"string"},"value":{"description":"The identity; normalized before lookup.","maxLength":320,"type":"string"}},"required":["type","value","purpose"],"type":"object"}`}},
		{Name: "lookup of an unknown person", Method: "POST", Path: "/v1/subjects/lookup", Key: keyAdminA,
			Body:           `{"type":"email","value":"nobody@example.com","purpose":"essential.service"}`,
			ExpectedStatus: http.StatusNotFound, NotExpected: []string{"nobody"}},
		{Name: "unknown purpose", Method: "GET", Path: "/v1/subjects/" + created.ID + "?purpose=spying", Key: keyAdminA,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{`"field":"purpose"`}},
		{Name: "read for a purpose withholds other categories", Method: "GET", Path: "/v1/subjects/" + created.ID + "?purpose=marketing.communications.email", Key: keyAdminA,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Ada Lovelace", "ada@example.com"}},
		{Name: "a reader key cannot write", Method: "POST", Path: "/v1/subjects", Key: func(e *env) string { return e.readerA }, Body: ada,
			ExpectedStatus: http.StatusForbidden},
		{Name: "restrict", Method: "POST", Path: "/v1/subjects/" + created.ID + "/restrict", Key: keyAdminA, ExpectedStatus: http.StatusNoContent},
		{Name: "restricted subject is not read for the service", Method: "GET", Path: "/v1/subjects/" + created.ID + "?purpose=essential.service", Key: keyAdminA,
			ExpectedStatus: http.StatusForbidden, NotExpected: []string{"Ada"}},
		{Name: "audit names who read her, when and why", Method: "GET", Path: "/v1/audit/events?subject_id=" + created.ID, Key: keyAdminA,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"action":"subject.create"`, `"action":"subject.read"`, `"purpose":"marketing.communications.email"`}, NotExpected: []string{"ada@", "Lovelace"}},
		{Name: "erase", Method: "DELETE", Path: "/v1/subjects/" + created.ID, Key: keyAdminA, ExpectedStatus: http.StatusNoContent},
		{Name: "erased subject is gone", Method: "GET", Path: "/v1/subjects/" + created.ID + "?purpose=essential.legal_obligation", Key: keyAdminA, ExpectedStatus: http.StatusNotFound},
		{Name: "erased subject remains as an id", Method: "GET", Path: "/v1/subjects?status=erased", Key: keyAdminA,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{created.ID}},
		{Name: "audit chain verifies", Method: "POST", Path: "/v1/audit/verify", Key: keyAdminA, ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"ok":true`}},
		{Name: "checkpoint", Method: "POST", Path: "/v1/audit/checkpoints", Key: keyAdminA, ExpectedStatus: http.StatusCreated, ExpectedContent: []string{`"signature"`}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			w := e.do(t, tt.Method, tt.Path, tt.Key(e), tt.Body)
			if w.Code != tt.ExpectedStatus {
				t.Fatalf("status = %d, want %d: %s", w.Code, tt.ExpectedStatus, w.Body)
			}
			for _, c := range tt.ExpectedContent {
				if !strings.Contains(w.Body.String(), c) {
					t.Errorf("body lacks %q: %s", c, w.Body)
				}
			}
			for _, c := range tt.NotExpected {
				if strings.Contains(w.Body.String(), c) {
					t.Errorf("body has %q: %s", c, w.Body)
				}
			}
		})
	}
}

// TestSubjectCreateBodyChecks: the create's body is checked as its schema
// says (the route decodes it once, without huma's generic pass): each
// refusal is a 422 naming the field and never echoing the value, and the
// schemas in the OpenAPI document are unchanged.
func TestSubjectCreateBodyChecks(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name, body, field string
	}{
		{"missing jurisdiction", `{"identities":[{"type":"email","value":"secret@example.com"}]}`, "jurisdiction"},
		{"missing identities", `{"jurisdiction":"DE","fields":[{"name":"name","category":"user.name","value":"Secret"}]}`, "identities"},
		{"identities not an array", `{"jurisdiction":"DE","identities":{"type":"email","value":"secret@example.com"}}`, "identities"},
		{"a null identity", `{"jurisdiction":"DE","identities":[{"type":"email","value":"secret@example.com"},null]}`, "identities[1]"},
		{"an identity without value", `{"jurisdiction":"DE","identities":[{"type":"email"}]}`, "identities[0].value"},
		{"an identity with a null type", `{"jurisdiction":"DE","identities":[{"type":null,"value":"secret@example.com"}]}`, "identities[0].type"},
		{"unknown field at the top", `{"jurisdiction":"DE","identities":[{"type":"email","value":"secret@example.com"}],"email":"secret@example.com"}`, "email"},
		{"unknown field in an identity", `{"jurisdiction":"DE","identities":[{"type":"email","value":"secret@example.com","note":"secret"}]}`, "note"},
		{"a field without category", `{"jurisdiction":"DE","identities":[{"type":"email","value":"secret@example.com"}],"fields":[{"name":"name","value":"Secret"}]}`, "fields[0].category"},
		{"a field value of the wrong type", `{"jurisdiction":"DE","identities":[{"type":"email","value":"secret@example.com"}],"fields":[{"name":"name","category":"user.name","value":12345678}]}`, "fields.value"},
		{"birth date of the wrong type", `{"jurisdiction":"DE","birth_date":12345678,"identities":[{"type":"email","value":"secret@example.com"}]}`, "birth_date"},
	} {
		w := e.do(t, http.MethodPost, "/v1/subjects", e.adminA, c.body)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `"field":"`+c.field+`"`) {
			t.Errorf("%s: %d %s, want 422 naming %s", c.name, w.Code, w.Body, c.field)
		}
		for _, secret := range []string{"secret", "Secret", "12345678"} {
			if strings.Contains(w.Body.String(), secret) {
				t.Errorf("%s: the answer echoes the value: %s", c.name, w.Body)
			}
		}
	}
	for _, c := range []struct{ name, body string }{
		{"optional properties as null are absent", `{"jurisdiction":"DE","birth_date":null,"age_band":null,"fields":null,"identities":[{"type":"email","value":"null@example.com"}]}`},
		{"names matched as encoding/json matches them", `{"Jurisdiction":"DE","IDENTITIES":[{"Type":"email","Value":"case@example.com"}]}`},
	} {
		if w := e.do(t, http.MethodPost, "/v1/subjects", e.adminA, c.body); w.Code != http.StatusCreated {
			t.Errorf("%s: %d %s", c.name, w.Code, w.Body)
		}
	}
	w := e.do(t, http.MethodGet, "/openapi.json", e.adminA, "")
	for _, want := range []string{
		`"CreateInput":{"additionalProperties":false,"properties":{"age_band":{"type":"string"},"birth_date":{"type":"string"},"fields":{"items":{"$ref":"#/components/schemas/FieldInput"},"type":["array","null"]},"identities":{"items":{"$ref":"#/components/schemas/IdentityInput"},"type":["array","null"]},"jurisdiction":{"type":"string"}},"required":["jurisdiction","identities"],"type":"object"}`,
		`"IdentityInput":{"additionalProperties":false,"properties":{"type":{"type":"string"},"value":{"type":"string"}},"required":["type","value"],"type":"object"}`,
		`"FieldInput":{"additionalProperties":false,"properties":{"category":{"type":"string"},"name":{"type":"string"},"value":{"type":"string"}},"required":["name","category","value"],"type":"object"}`,
		`"operationId":"create-subject","requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/CreateInput"}}},"required":true}`,
	} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("the create's schema changed in the OpenAPI document: %s not found", want)
		}
	}
}
