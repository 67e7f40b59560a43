package api_test

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/complaint"
	"github.com/privet-dev/privet/disclosure"
	"github.com/privet-dev/privet/incident"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/resources"
	"github.com/privet-dev/privet/retention"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// fixture makes an object of tenant A for a route with a path parameter and
// returns its id; the walk then asks for it with tenant B's key.
type fixture func(t *testing.T, e *env) string

// objectFixtures maps a route pattern to the fixture of its object. A new
// route with an {id}-like parameter must add one here, or the walk fails.
func objectFixtures() map[string]fixture {
	subject := func(t *testing.T, e *env) string {
		v, err := e.vault.Create(context.Background(), tenancy.Operator(), e.tenantA, vault.CreateInput{
			Jurisdiction: "DE",
			Identities:   []vault.IdentityInput{{Type: privet.IdentityEmail, Value: privet.NewID("walk") + "@example.com"}},
			Fields:       []vault.FieldInput{{Name: "name", Category: "user.name", Value: "Walk Victim"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return v.ID
	}
	hold := func(t *testing.T, e *env) string {
		h, err := e.services.Retention.PlaceHold(context.Background(), tenancy.Operator(), e.tenantA, retention.HoldInput{SubjectID: subject(t, e), Reason: "walk"})
		if err != nil {
			t.Fatal(err)
		}
		return h.ID
	}
	incidentOf := func(t *testing.T, e *env) string {
		inc, err := e.services.Incidents.Create(context.Background(), tenancy.Operator(), e.tenantA, incident.NewIncident{
			Title: "Walk", Description: "d", Categories: []string{"user.contact.email"}, Risk: privet.RiskHigh, Impact: "i", Measures: "m",
		})
		if err != nil {
			t.Fatal(err)
		}
		return inc.ID
	}
	request := func(t *testing.T, e *env) string {
		f, err := e.services.Requests.File(context.Background(), tenancy.Operator(), e.tenantA, requests.FileInput{SubjectID: subject(t, e), Type: "rectification",
			Corrections: map[string]string{"name": "Walk Victim II"}})
		if err != nil {
			t.Fatal(err)
		}
		return f.Request.ID
	}
	fixtures := map[string]fixture{
		// A resource id is the application's: tenant A's object is the
		// history of it, and the subject the report names.
		"POST /v1/resources/{id}/events": func(t *testing.T, e *env) string { return "doc-walk" },
		"GET /v1/resources/{id}/history": func(t *testing.T, e *env) string {
			if _, err := e.services.Resources.Record(context.Background(), tenancy.Operator(), e.tenantA, "doc-walk",
				resources.RecordInput{SubjectID: subject(t, e), Action: "view"}); err != nil {
				t.Fatal(err)
			}
			return "doc-walk"
		},
		"GET /v1/incidents/{id}":                      incidentOf,
		"POST /v1/incidents/{id}/affected":            incidentOf,
		"GET /v1/incidents/{id}/affected":             incidentOf,
		"POST /v1/incidents/{id}/notify":              incidentOf,
		"POST /v1/incidents/{id}/regulator-notified":  incidentOf,
		"POST /v1/incidents/{id}/publish":             incidentOf,
		"POST /v1/incidents/{id}/close":               incidentOf,
		"GET /v1/incidents/{id}/report":               incidentOf,
		"GET /v1/subjects/{id}":                       subject,
		"PATCH /v1/subjects/{id}":                     subject,
		"DELETE /v1/subjects/{id}":                    subject,
		"POST /v1/subjects/{id}/close":                subject,
		"POST /v1/subjects/{id}/restrict":             subject,
		"POST /v1/subjects/{id}/reactivate":           subject,
		"POST /v1/subjects/{id}/touch":                subject,
		"GET /v1/subjects/{id}/consents":              subject,
		"GET /v1/subjects/{id}/disclosures":           subject,
		"GET /v1/subjects/{id}/disclosures/report":    subject,
		"GET /v1/complaints/{id}":                     complaintFixture,
		"GET /v1/subjects/{id}/authority-disclosures": subject,
		"POST /v1/authority-disclosures/{id}/lift-gag": func(t *testing.T, e *env) string {
			d, err := e.services.Disclosures.DiscloseToAuthority(context.Background(), tenancy.Operator(), e.tenantA, disclosure.AuthorityInput{
				SubjectID: subject(t, e), Recipient: "authorities", LegalBasis: "court_order", Categories: []string{"user.name"}, Gag: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			return d.ID
		},
		"POST /v1/processor-ends/{id}/confirm": func(t *testing.T, e *env) string {
			p, err := e.services.Disclosures.EndEntrustment(context.Background(), tenancy.Operator(), e.tenantA, disclosure.EndInput{Recipient: "infrastructure"})
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		},
		"POST /v1/complaints/{id}/answer":   complaintFixture,
		"POST /v1/complaints/{id}/escalate": complaintFixture,
		"POST /v1/subjects/{id}/age":        subject,
		"GET /v1/holds/{id}":                hold,
		"POST /v1/holds/{id}/release":       hold,
		"GET /v1/consents/{id}/receipt": func(t *testing.T, e *env) string {
			body := `{"subject_id":"` + subject(t, e) + `","purpose":"marketing.communications.email","state":"given","source":"api"}`
			w := e.do(t, http.MethodPost, "/v1/consents", e.adminA, body)
			var ev privet.ConsentEvent
			if err := json.Unmarshal(w.Body.Bytes(), &ev); err != nil || w.Code != http.StatusCreated {
				t.Fatalf("record consent: %d %s", w.Code, w.Body)
			}
			return ev.ID
		},
		"GET /v1/policy/versions/{version}": func(t *testing.T, e *env) string {
			publishVersion(t, e, e.adminA, "walk", "2021-03-01")
			return "walk"
		},
		"DELETE /v1/keys/{id}": func(t *testing.T, e *env) string {
			k, _, err := e.tenancy.CreateAPIKey(context.Background(), tenancy.Operator(), e.tenantA, "victim", []privet.Scope{privet.ScopeAuditRead})
			if err != nil {
				t.Fatal(err)
			}
			return k.ID
		},
	}
	for _, action := range []string{"approve", "deny", "extend", "await-info", "resume", "accept-fee", "charge", "confirm", "verify"} {
		fixtures["POST /v1/requests/{id}/"+action] = request
	}
	fixtures["GET /v1/requests/{id}"] = request
	return fixtures
}

// complaintFixture registers a complaint of tenant A.
func complaintFixture(t *testing.T, e *env) string {
	c, err := e.services.Complaints.Create(context.Background(), tenancy.Operator(), e.tenantA, complaint.CreateInput{Channel: "email"})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// walkQuery holds the query a route needs to get past input validation, so
// the wrong-tenant check reaches the object lookup.
var walkQuery = map[string]string{
	"GET /v1/subjects/{id}":          "?purpose=essential.service",
	"GET /v1/resources/{id}/history": "?purpose=essential.service.collaboration",
}

// walkBody holds the body a route needs to get past input validation.
var walkBody = map[string]string{
	"POST /v1/subjects/{id}/age": `{"age":30}`,
}

// walkBodyOf makes the body of a route whose body names tenant A's object.
var walkBodyOf = map[string]func(t *testing.T, e *env) string{
	"POST /v1/resources/{id}/events": func(t *testing.T, e *env) string {
		v, err := e.vault.Create(context.Background(), tenancy.Operator(), e.tenantA, vault.CreateInput{Jurisdiction: "DE",
			Identities: []vault.IdentityInput{{Type: privet.IdentityEmail, Value: privet.NewID("walk") + "@example.com"}}})
		if err != nil {
			t.Fatal(err)
		}
		return `{"subject_id":"` + v.ID + `","action":"view"}`
	},
}

// TestWalk checks every operation of the OpenAPI document, so routes added
// later are covered without a new test: no key is a 401, a key without the
// operation's scope a 403, and another tenant's object a 404.
func TestWalk(t *testing.T) {
	e := newEnv(t)
	fixtures := objectFixtures()
	oapi := e.server.API().OpenAPI()
	walked := 0
	for path, item := range oapi.Paths {
		ops := map[string]any{"GET": item.Get, "POST": item.Post, "PUT": item.Put, "PATCH": item.Patch, "DELETE": item.Delete}
		for method, raw := range ops {
			op := asOperation(raw)
			if op == nil {
				continue
			}
			walked++
			route := method + " " + path
			t.Run(route, func(t *testing.T) {
				if len(op.Security) == 0 {
					t.Skip("public operation")
				}
				concrete := pathParam.ReplaceAllString(path, "x_unknown")
				body := ""
				if op.RequestBody != nil {
					body = cmp.Or(walkBody[route], "{}")
					if of, ok := walkBodyOf[route]; ok {
						body = of(t, e)
					}
				}
				if w := e.do(t, method, concrete, "", body); w.Code != http.StatusUnauthorized {
					t.Errorf("no key: %d, want 401: %s", w.Code, w.Body)
				}
				if w := e.do(t, method, concrete, "pk_not_a_key", body); w.Code != http.StatusUnauthorized {
					t.Errorf("unknown key: %d, want 401", w.Code)
				}
				var scope string
				for _, req := range op.Security {
					for _, scopes := range req {
						if len(scopes) > 0 {
							scope = scopes[0]
						}
					}
				}
				if scope != "" {
					other := privet.ScopeAuditRead
					if scope == string(other) {
						other = privet.ScopeVaultRead
					}
					_, weak := e.tenantWithKeyIn(t, e.tenantA, other)
					if w := e.do(t, method, concrete, weak, body); w.Code != http.StatusForbidden {
						t.Errorf("key without %s: %d, want 403: %s", scope, w.Code, w.Body)
					}
				}
				if !pathParam.MatchString(path) {
					return
				}
				fx, ok := fixtures[route]
				if !ok {
					t.Fatalf("no object fixture for %s: add one to objectFixtures", route)
				}
				id := fx(t, e)
				own := pathParam.ReplaceAllString(path, id) + walkQuery[route]
				if w := e.do(t, method, own, e.adminB, body); w.Code != http.StatusNotFound {
					t.Errorf("tenant B on tenant A's object: %d, want 404: %s", w.Code, w.Body)
				}
				if strings.Contains(e.do(t, method, own, e.adminB, body).Body.String(), id) {
					t.Error("the 404 echoes the id")
				}
			})
		}
	}
	if walked < 4 {
		t.Fatalf("walked %d operations; the OpenAPI document lost routes", walked)
	}
}

func (e *env) tenantWithKeyIn(t *testing.T, tenantID string, scope privet.Scope) (string, string) {
	t.Helper()
	k, secret, err := e.tenancy.CreateAPIKey(context.Background(), tenancy.Operator(), tenantID, "weak", []privet.Scope{scope})
	if err != nil {
		t.Fatal(err)
	}
	return k.ID, secret
}

func asOperation(raw any) *huma.Operation {
	op, _ := raw.(*huma.Operation)
	return op
}
