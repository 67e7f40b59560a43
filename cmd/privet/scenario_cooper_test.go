package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet/notify/notifytest"
	"github.com/privet-dev/privet/requests"
)

// Cooper (examples/cooper), a consultancy's website: every promise of its
// privacy statement, by id (PROMISES.md O1-O10). People reach Cooper through
// contact forms, newsletters and social media; Cooper's site files their
// requests and asks privet before it uses or shares their data.
func TestScenarioCooper(t *testing.T) { onEngines(t, scenarioCooper) }

func scenarioCooper(t *testing.T, engine string) {
	const service = "cooper"
	s := newScenario(t, engine, service)

	promise(t, service, "O1", func(t *testing.T) {
		s := s.in(t)
		// A contact form's fields are stored, each under its category, and
		// read back for the service the person asked for.
		form := []map[string]any{
			{"name": "first_name", "category": "user.name", "value": "Ada"},
			{"name": "last_name", "category": "user.name", "value": "Lovelace"},
			{"name": "job_title", "category": "user.professional_information", "value": "Engineer"},
			{"name": "organization", "category": "user.professional_information", "value": "Analytical Engines Ltd"},
			{"name": "country", "category": "user.contact.address.country", "value": "GB"},
			{"name": "city", "category": "user.contact.address.city", "value": "London"},
			{"name": "phone", "category": "user.contact.phone_number", "value": "+44 20 7946 0000"},
		}
		id := s.subject(map[string]any{"jurisdiction": "GB",
			"identities": []map[string]any{{"type": "email", "value": "ada@cooper-client.example"}},
			"fields":     form})
		got := fieldsFor(t, s, id, "essential.service")
		for _, f := range form {
			if got[f["name"].(string)] != f["value"] {
				t.Errorf("field %s = %q after the contact form, want it stored", f["name"], got[f["name"].(string)])
			}
		}
		// Social media profile data arrives only when the person engages
		// there; it serves leads, not the service they asked for.
		s.must(http.StatusNoContent, "PATCH", "/v1/subjects/"+id, map[string]any{"set_fields": []map[string]any{
			{"name": "linkedin", "category": "user.social_activity", "value": "in/ada"}}})
		if got := fieldsFor(t, s, id, "sales"); got["linkedin"] != "in/ada" {
			t.Errorf("social profile for sales = %q, want it kept", got["linkedin"])
		}
		if _, ok := fieldsFor(t, s, id, "essential.service")["linkedin"]; ok {
			t.Error("social profile readable for essential.service, which does not use it")
		}
		// Nothing the statement does not list is collected.
		code, out := s.call("POST", "/v1/subjects", map[string]any{"jurisdiction": "GB",
			"identities": []map[string]any{{"type": "email", "value": "other@cooper-client.example"}},
			"fields":     []map[string]any{{"name": "salary", "category": "user.financial", "value": "100"}}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(errorText(out), "fields[0]") {
			t.Errorf("an undeclared category = %d %v, want 422 naming fields[0]", code, out)
		}
	})

	promise(t, service, "O2", func(t *testing.T) {
		s := s.in(t)
		id := s.subject(map[string]any{"jurisdiction": "FR",
			"identities": []map[string]any{{"type": "email", "value": "reader@cooper-client.example"}}})
		// The declared purposes run on their basis.
		for _, p := range []string{"essential.service", "analytics.reporting", "sales", "marketing.advertising"} {
			if ok, reason := decide(t, s, id, p); !ok {
				t.Errorf("declared purpose %s denied (%s)", p, reason)
			}
		}
		// The newsletter is a further purpose: only with consent.
		if ok, reason := decide(t, s, id, "marketing.communications.email"); ok || reason != "no_consent" {
			t.Errorf("newsletter without consent: allowed=%v reason=%s, want denied no_consent", ok, reason)
		}
		s.must(http.StatusCreated, "POST", "/v1/consents", map[string]any{"subject_id": id,
			"purpose": "marketing.communications.email", "state": "given", "source": "api"})
		if ok, reason := decide(t, s, id, "marketing.communications.email"); !ok {
			t.Errorf("newsletter after consent denied (%s)", reason)
		}
		// A purpose the statement does not declare is never allowed.
		code, out := s.call("POST", "/v1/decisions", map[string]any{"subject_id": id, "purpose": "marketing.profiling"})
		if code == http.StatusOK && out["allowed"] == true {
			t.Errorf("undeclared purpose allowed: %v", out)
		}
		// No category is sensitive: sensitive data is refused, since it
		// would need explicit consent the statement does not ask for.
		code, out = s.call("PATCH", "/v1/subjects/"+id, map[string]any{"set_fields": []map[string]any{
			{"name": "health", "category": "user.health_and_medical", "value": "x"}}})
		if code != http.StatusUnprocessableEntity {
			t.Errorf("sensitive data stored: %d %v", code, out)
		}
	})

	promise(t, service, "O3", func(t *testing.T) {
		s := s.in(t)
		id := s.subject(map[string]any{"jurisdiction": "US-NY",
			"identities": []map[string]any{{"type": "email", "value": "client@cooper-client.example"}},
			"fields":     []map[string]any{{"name": "name", "category": "user.name", "value": "Grace Hopper"}}})
		checks := []struct {
			recipient, purpose string
			categories         []string
			allowed            bool
			reason             string
		}{
			{"wipro", "essential.service", []string{"user.name", "user.contact.email"}, true, "allowed"},
			{"service_providers", "marketing.advertising", []string{"user.name", "user.contact.email"}, true, "allowed"},
			{"wipro", "marketing.advertising", []string{"user.name"}, false, "purpose_not_declared"},
			{"service_providers", "essential.service", []string{"user.contact.phone_number"}, false, "category_not_declared"},
			{"data_broker", "sales", []string{"user.name"}, false, "undeclared_recipient"},
		}
		for _, c := range checks {
			out := s.must(http.StatusOK, "POST", "/v1/transfers/check", map[string]any{"subject_id": id,
				"recipient": c.recipient, "purpose": c.purpose, "categories": c.categories})
			if out["allowed"] != c.allowed || out["reason"] != c.reason {
				t.Errorf("%s for %s: %v %v, want %v %s", c.recipient, c.purpose, out["allowed"], out["reason"], c.allowed, c.reason)
			}
		}
		// What was shared, and with whom, is on record.
		rep := s.must(http.StatusOK, "GET", "/v1/subjects/"+id+"/disclosures/report", nil)
		if got := recipientKeys(rep); !slices.Equal(got, []string{"service_providers", "wipro"}) {
			t.Errorf("recipients on record = %v, want service_providers and wipro", got)
		}
		// Authorities receive data under legal process, recorded as such;
		// a recipient not declared as an authority cannot be used for it.
		s.must(http.StatusCreated, "POST", "/v1/authority-disclosures", map[string]any{"subject_id": id,
			"recipient": "authorities", "legal_basis": "subpoena", "reference": "CASE-2026-7",
			"categories": []string{"user.name"}})
		if code, out := s.call("POST", "/v1/authority-disclosures", map[string]any{"subject_id": id,
			"recipient": "wipro", "legal_basis": "subpoena", "reference": "CASE-2026-8",
			"categories": []string{"user.name"}}); code != http.StatusUnprocessableEntity {
			t.Errorf("authority disclosure to an affiliate = %d %v, want 422", code, out)
		}
		list := s.must(http.StatusOK, "GET", "/v1/subjects/"+id+"/authority-disclosures", nil)
		if n := len(items(list)); n != 1 {
			t.Errorf("authority disclosures on record = %d, want 1: %v", n, list)
		}
	})

	promise(t, service, "O4", func(t *testing.T) {
		s := s.in(t)
		email := "rights@cooper-client.example"
		id := s.subject(map[string]any{"jurisdiction": "DE",
			"identities": []map[string]any{{"type": "email", "value": email}},
			"fields": []map[string]any{
				{"name": "name", "category": "user.name", "value": "Emmy Noether"},
				{"name": "job_title", "category": "user.professional_information", "value": "Professor"},
			}})

		// Access: filed, due a calendar month later (GDPR Art. 12(3)).
		acc := fileRequest(t, s, id, "access", nil)
		if acc["status"] != "in_progress" || acc["fee"] != nil {
			t.Errorf("first access request: status %v, fee %v; want in_progress and free", acc["status"], acc["fee"])
		}
		if received, due := when(t, acc["received_at"]), when(t, acc["due_at"]); !due.Equal(received.AddDate(0, 1, 0)) {
			t.Errorf("access due %s, want a month after %s", due, received)
		}
		port := fileRequest(t, s, id, "portability", nil)
		if port["status"] != "in_progress" {
			t.Errorf("portability request status %v, want in_progress", port["status"])
		}
		// The first copy comes by email with a link to a ZIP whose data.json
		// holds the person's data; portability's is machine-readable.
		doneRequest(t, s, acc)
		data := packageData(t, s, email, acc["id"].(string))
		for _, want := range []string{"Emmy Noether", "Professor", email, id} {
			if !strings.Contains(data, want) {
				t.Errorf("access package data.json lacks %q:\n%.2000s", want, data)
			}
		}
		doneRequest(t, s, port)
		portable := packageData(t, s, email, port["id"].(string))
		var parsed any
		if err := json.Unmarshal([]byte(portable), &parsed); err != nil || !strings.Contains(portable, "Emmy Noether") {
			t.Errorf("portability data.json is not machine-readable or lacks the data (%v):\n%.2000s", err, portable)
		}
		// A second copy within the year costs the reasonable fee; once the
		// person accepts it, the copy comes like the first.
		s.advanceDays(1)
		again := fileRequest(t, s, id, "access", nil)
		if again["status"] != "awaiting_fee" || again["fee"] == nil || !strings.Contains(toJSON(t, again["fee"]), "25.00 USD") {
			t.Errorf("second access request: status %v, fee %v; want awaiting_fee at 25.00 USD", again["status"], again["fee"])
		}
		s.must(http.StatusOK, "POST", "/v1/requests/"+again["id"].(string)+"/accept-fee", nil)
		doneRequest(t, s, again)
		if data := packageData(t, s, email, again["id"].(string)); !strings.Contains(data, "Emmy Noether") {
			t.Errorf("paid copy data.json lacks the person's data:\n%.2000s", data)
		}

		// Correction.
		rect := fileRequest(t, s, id, "rectification", map[string]any{"corrections": map[string]string{"job_title": "Head of Department"}})
		if got := doneRequest(t, s, rect); got["outcome"] != "complied" {
			t.Errorf("rectification outcome %v", got["outcome"])
		}
		if got := fieldsFor(t, s, id, "essential.service")["job_title"]; got != "Head of Department" {
			t.Errorf("job title after correction = %q", got)
		}

		// Withdrawal of consent: the newsletter's unsubscribe link.
		s.must(http.StatusCreated, "POST", "/v1/consents", map[string]any{"subject_id": id,
			"purpose": "marketing.communications.email", "state": "given", "source": "api"})
		link := s.must(http.StatusOK, "POST", "/v1/unsubscribe/links", map[string]any{"subject_id": id, "purpose": "marketing.communications.email"})
		u, err := url.Parse(link["url"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if code, body := s.raw("POST", u.Path, "List-Unsubscribe=One-Click", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}); code != http.StatusOK {
			t.Fatalf("one-click unsubscribe = %d %s", code, body)
		}
		if ok, reason := decide(t, s, id, "marketing.communications.email"); ok || reason != "withdrawn" {
			t.Errorf("newsletter after unsubscribing: allowed=%v %s, want withdrawn", ok, reason)
		}

		// Objection to direct marketing is absolute: it stops at once.
		obj := fileRequest(t, s, id, "objection", map[string]any{"purposes": []string{"sales", "marketing.advertising"}})
		doneRequest(t, s, obj)
		for _, p := range []string{"sales", "marketing.advertising"} {
			if ok, reason := decide(t, s, id, p); ok || reason != "opted_out" {
				t.Errorf("%s after the objection: allowed=%v %s, want opted_out", p, ok, reason)
			}
		}
		if ok, _ := decide(t, s, id, "essential.service"); !ok {
			t.Error("the service the person asked for stopped with the marketing objection")
		}

		// Restriction: the data is kept, and only legal claims may use it.
		restrict := fileRequest(t, s, id, "restriction", nil)
		doneRequest(t, s, restrict)
		if code, _ := s.call("GET", "/v1/subjects/"+id+"?purpose=essential.service", nil); code != http.StatusForbidden {
			t.Errorf("read of a restricted subject for essential.service = %d, want 403", code)
		}
		if got := fieldsFor(t, s, id, "essential.fraud_detection"); got["name"] != "Emmy Noether" {
			t.Errorf("restricted data for legal claims = %v, want it kept", got)
		}
		s.must(http.StatusNoContent, "POST", "/v1/subjects/"+id+"/reactivate", nil)

		// Erasure, except what legal claims need: a hold on the messages
		// sent to Cooper keeps them; the rest goes.
		other := s.subject(map[string]any{"jurisdiction": "DE",
			"identities": []map[string]any{{"type": "email", "value": "erase@cooper-client.example"}},
			"fields": []map[string]any{
				{"name": "name", "category": "user.name", "value": "Lise Meitner"},
				{"name": "message", "category": "user.content.private", "value": "About our contract dispute"},
			}})
		hold := s.must(http.StatusCreated, "POST", "/v1/holds", map[string]any{"category": "user.content.private", "reason": "claim 2026-14"})
		erase := doneRequest(t, s, fileRequest(t, s, other, "erasure", nil))
		s.must(http.StatusOK, "POST", "/v1/holds/"+hold["id"].(string)+"/release", nil)
		if erase["outcome"] != "complied_in_part" {
			t.Errorf("erasure under a legal claim: outcome %v, want complied_in_part", erase["outcome"])
		}
		kept := fieldsFor(t, s, other, "essential.fraud_detection")
		if kept["message"] != "About our contract dispute" || kept["name"] != "" {
			t.Errorf("after erasure, legal claims read %v: want the held message only", kept)
		}
		// Without a hold, erasure takes everything.
		plain := s.subject(map[string]any{"jurisdiction": "DE",
			"identities": []map[string]any{{"type": "email", "value": "gone@cooper-client.example"}}})
		if got := doneRequest(t, s, fileRequest(t, s, plain, "erasure", nil)); got["outcome"] != "complied" {
			t.Errorf("erasure outcome %v, want complied", got["outcome"])
		}
		if code, _ := s.call("GET", "/v1/subjects/"+plain+"?purpose=essential.fraud_detection", nil); code != http.StatusNotFound {
			t.Errorf("erased subject read = %d, want 404", code)
		}

	})

	promise(t, service, "O5", func(t *testing.T) {
		s := s.in(t)
		// An EU person's request that Cooper refuses comes with the right
		// to complain to a supervisory authority. Filed on the public
		// intake, it is refused before it runs.
		id := s.subject(map[string]any{"jurisdiction": "IT",
			"identities": []map[string]any{{"type": "email", "value": "complain@cooper-client.example"}}})
		code, filed := s.public("POST", "/v1/public/requests", map[string]any{"tenant": s.tenant, "type": "objection",
			"jurisdiction": "IT", "identity": map[string]any{"type": "email", "value": "complain@cooper-client.example"}}, nil)
		if code != http.StatusAccepted {
			t.Fatalf("public request = %d %v", code, filed)
		}
		denied := s.must(http.StatusOK, "POST", "/v1/requests/"+filed["id"].(string)+"/deny", map[string]any{"reason": "excessive"})
		if denied["status"] != "denied" {
			t.Errorf("denied request status %v", denied["status"])
		}
		code, status := s.public("GET", "/v1/public/requests/status/"+filed["status_token"].(string), nil, nil)
		if code != http.StatusOK || status["status"] != "denied" || status["deny_reason"] != "excessive" {
			t.Errorf("status link after the denial: %d %v", code, status)
		}
		// The supervisory authority forwards the complaint: its clock is
		// the GDPR's month, and it is answered.
		c := s.must(http.StatusCreated, "POST", "/v1/complaints", map[string]any{"channel": "regulator", "subject_id": id, "reference": "DPA-IT-2026-3"})
		if received, due := when(t, c["received_at"]), when(t, c["due_at"]); !due.Equal(received.AddDate(0, 1, 0)) {
			t.Errorf("complaint from the authority due %s, received %s: want the GDPR's month", due, received)
		}
		if got := s.must(http.StatusOK, "POST", "/v1/complaints/"+c["id"].(string)+"/answer", nil); got["status"] != "answered" {
			t.Errorf("answered complaint status %v", got["status"])
		}
		// The notice people read names the supervisory authority.
		code, out, errOut := s.cli("policy", "render", s.policy)
		if code != 0 || !strings.Contains(strings.ToLower(out), "supervisory authority") {
			t.Errorf("policy render: %d, no supervisory authority named: %s", code, errOut)
		}
		// The refusal is emailed to the requester with its reason and the
		// route to the supervisory authority.
		denial := mailAbout(t, s, "complain@cooper-client.example", filed["id"].(string), "Your right to complain")
		for _, want := range []string{"manifestly unfounded or excessive", "supervisory authority"} {
			if !strings.Contains(denial.Text, want) {
				t.Errorf("the denial email lacks %q:\n%s", want, denial.Text)
			}
		}
	})

	promise(t, service, "O6", func(t *testing.T) {
		s := s.in(t)
		// An enquiry is kept while it is followed up, and deleted two years
		// after the last contact.
		enquiry := func(email string) string {
			return s.subject(map[string]any{"jurisdiction": "NL",
				"identities": []map[string]any{{"type": "email", "value": email}},
				"fields": []map[string]any{
					{"name": "city", "category": "user.contact.address.city", "value": "Utrecht"},
					{"name": "message", "category": "user.content.private", "value": "Please call me back"},
				}})
		}
		quiet, active := enquiry("quiet@cooper-client.example"), enquiry("active@cooper-client.example")
		s.must(http.StatusNoContent, "POST", "/v1/subjects/"+quiet+"/touch", nil)
		s.must(http.StatusNoContent, "POST", "/v1/subjects/"+active+"/touch", nil)
		s.advanceDays(365)
		s.must(http.StatusNoContent, "POST", "/v1/subjects/"+active+"/touch", nil)
		s.advanceDays(366)
		sweep(t, s)
		if got := fieldsFor(t, s, active, "essential.service"); got["message"] == "" || got["city"] == "" {
			t.Errorf("an enquiry still followed up was deleted: %v", got)
		}
		code, out := s.call("GET", "/v1/subjects/"+quiet+"?purpose=essential.service", nil)
		if code == http.StatusOK {
			if f := fieldsOf(out); f["message"] != "" || f["city"] != "" {
				t.Errorf("an enquiry two years without contact is kept: %v", f)
			}
		} else if code != http.StatusNotFound {
			t.Errorf("read after the sweep = %d %v", code, out)
		}
		// The active one goes two years after its own last contact.
		s.advanceDays(366)
		sweep(t, s)
		if code, out := s.call("GET", "/v1/subjects/"+active+"?purpose=essential.service", nil); code == http.StatusOK && fieldsOf(out)["message"] != "" {
			t.Errorf("an enquiry kept past two years after its last contact: %v", fieldsOf(out))
		}
	})

	promise(t, service, "O7", func(t *testing.T) {
		s := s.in(t)
		child := s.subject(map[string]any{"jurisdiction": "US-NY",
			"identities": []map[string]any{{"type": "email", "value": "kid@cooper-client.example"}},
			"fields":     []map[string]any{{"name": "name", "category": "user.name", "value": "Kid"}}})
		teen := s.subject(map[string]any{"jurisdiction": "US-NY",
			"identities": []map[string]any{{"type": "email", "value": "teen@cooper-client.example"}}})
		// A parent writes "COPPA Information Request": the child is 12.
		if out := s.must(http.StatusOK, "POST", "/v1/subjects/"+child+"/age", map[string]any{"age": 12}); out["action"] != "delete" {
			t.Errorf("age 12: action %v, want delete", out["action"])
		}
		if code, _ := s.call("GET", "/v1/subjects/"+child+"?purpose=essential.legal_obligation", nil); code != http.StatusNotFound {
			t.Errorf("a child's data read after deletion = %d, want 404", code)
		}
		// Not used either: nothing may be decided or shared for the child.
		code, body := s.call("POST", "/v1/subjects/lookup", map[string]any{"type": "email", "value": "kid@cooper-client.example", "purpose": "essential.service"})
		if code != http.StatusNotFound {
			t.Errorf("lookup of the deleted child = %d %v", code, body)
		}
		if out := s.must(http.StatusOK, "POST", "/v1/subjects/"+teen+"/age", map[string]any{"age": 13}); out["action"] != nil {
			t.Errorf("age 13: action %v, want none", out["action"])
		}
		if code, _ := s.call("GET", "/v1/subjects/"+teen+"?purpose=essential.service", nil); code != http.StatusOK {
			t.Errorf("a 13-year-old's data = %d, want kept", code)
		}
		// Parents are told how to write.
		code, out, _ := s.cli("policy", "render", s.policy)
		if code != 0 || !strings.Contains(out, "COPPA Information Request") {
			t.Errorf("the notice does not tell parents how to write (%d)", code)
		}
	})

	promise(t, service, "O8", func(t *testing.T) {
		s := s.in(t)
		// A Californian whose data went to the parent company and service
		// providers asks, once in the calendar year, who received it for
		// their own direct marketing: nobody did.
		id := s.subject(map[string]any{"jurisdiction": "US-CA",
			"identities": []map[string]any{{"type": "email", "value": "ca@cooper-client.example"}},
			"fields":     []map[string]any{{"name": "name", "category": "user.name", "value": "Cal"}}})
		for _, r := range []string{"wipro", "service_providers"} {
			p := map[string]string{"wipro": "essential.service", "service_providers": "marketing.advertising"}[r]
			if out := s.must(http.StatusOK, "POST", "/v1/transfers/check", map[string]any{"subject_id": id,
				"recipient": r, "purpose": p, "categories": []string{"user.name"}}); out["allowed"] != true {
				t.Fatalf("disclosure to %s refused: %v", r, out)
			}
		}
		// Into the next calendar year: last year's sharing is what counts.
		now := s.clock.Now()
		s.advance(time.Date(now.Year()+1, 1, 15, 9, 0, 0, 0, time.UTC).Sub(now))
		all := s.must(http.StatusOK, "GET", "/v1/subjects/"+id+"/disclosures/report?kind=last_12_months", nil)
		if got := recipientKeys(all); len(got) != 2 {
			t.Errorf("recipients of the last 12 months = %v, want both", got)
		}
		stl := s.must(http.StatusOK, "GET", "/v1/subjects/"+id+"/disclosures/report?kind=shine_the_light", nil)
		if got := recipientKeys(stl); len(got) != 0 {
			t.Errorf("Shine the Light lists %v; no recipient markets to people", got)
		}
		if since := when(t, stl["since"]); since.Year() != now.Year() || since.YearDay() != 1 {
			t.Errorf("Shine the Light covers from %s, want 1 January %d", since, now.Year())
		}
		req := doneRequest(t, s, fileRequest(t, s, id, "shine_the_light", nil))
		if req["outcome"] != "complied" {
			t.Errorf("Shine the Light outcome %v", req["outcome"])
		}
		if rep, _ := req["details"].(map[string]any)["report"].(map[string]any); rep == nil || rep["recipients"] != nil {
			t.Errorf("Shine the Light answer %v, want a report with no recipients", req["details"])
		}
		// Only Californians have it.
		ny := s.subject(map[string]any{"jurisdiction": "US-NY",
			"identities": []map[string]any{{"type": "email", "value": "ny@cooper-client.example"}}})
		if code, out := s.call("POST", "/v1/requests", map[string]any{"subject_id": ny, "type": "shine_the_light"}); code != http.StatusUnprocessableEntity {
			t.Errorf("Shine the Light from New York = %d %v, want 422", code, out)
		}
		// The answer is emailed to the requester.
		answer := mailAbout(t, s, "ca@cooper-client.example", req["id"].(string), "completed your request")
		if !strings.Contains(answer.Text, "what we shared for direct marketing") {
			t.Errorf("the answer email does not name the Shine the Light request:\n%s", answer.Text)
		}
		// It carries the answer itself: nobody received the person's data
		// for their own direct marketing in the prior year.
		if !strings.Contains(answer.Text, "We found nothing to report") {
			t.Errorf("the answer email does not carry the (empty) list:\n%s", answer.Text)
		}
	})

	promise(t, service, "O9", func(t *testing.T) {
		s := s.in(t)
		// A visitor whose browser sends Do Not Track opens the newsletter's
		// unsubscribe page: the signal is recorded for them, and usage
		// analytics must not run for them.
		id := s.subject(map[string]any{"jurisdiction": "US-NY",
			"identities": []map[string]any{{"type": "email", "value": "dnt@cooper-client.example"}}})
		link := s.must(http.StatusOK, "POST", "/v1/unsubscribe/links", map[string]any{"subject_id": id, "purpose": "marketing.communications.email"})
		u, err := url.Parse(link["url"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if code, body := s.raw("GET", u.Path, nil, map[string]string{"DNT": "1"}); code != http.StatusOK {
			t.Fatalf("unsubscribe page = %d %s", code, body)
		}
		hist := s.must(http.StatusOK, "GET", "/v1/subjects/"+id+"/consents", nil)
		if !strings.Contains(toJSON(t, hist), "dnt_signal") {
			t.Errorf("Do Not Track not recorded: %v", hist)
		}
		// Usage analytics are marked tracking: the signal stops them for
		// this person, while the service itself goes on.
		if ok, reason := decide(t, s, id, "analytics.reporting"); ok || reason != "dnt" {
			t.Errorf("usage analytics after Do Not Track = %v %s, want denied for dnt", ok, reason)
		}
		if ok, reason := decide(t, s, id, "essential.service"); !ok {
			t.Errorf("the service itself after Do Not Track = %v %s, want allowed", ok, reason)
		}
		// Someone whose browser sends no signal is still counted.
		other := s.subject(map[string]any{"jurisdiction": "US-NY",
			"identities": []map[string]any{{"type": "email", "value": "no-dnt@cooper-client.example"}}})
		if ok, reason := decide(t, s, other, "analytics.reporting"); !ok {
			t.Errorf("usage analytics without a signal = %v %s, want allowed", ok, reason)
		}
		// A visitor known only by a cookie id: the banner's request carries
		// the signal, and analytics stop for that visitor too.
		const cookie = "c00p3r-v1s1t0r-0000000000000001"
		visitor := func() (bool, string) {
			out := s.must(http.StatusOK, "POST", "/v1/decisions", map[string]any{"cookie_id": cookie, "jurisdiction": "US-NY", "purpose": "analytics.reporting"})
			allowed, _ := out["allowed"].(bool)
			reason, _ := out["reason"].(string)
			return allowed, reason
		}
		if ok, reason := visitor(); !ok {
			t.Errorf("a visitor's analytics before any signal = %v %s, want allowed", ok, reason)
		}
		if code, out := s.public("POST", "/v1/public/consents", map[string]any{"tenant": s.tenant, "cookie_id": cookie,
			"choices": map[string]bool{"essential": true}}, map[string]string{"DNT": "1"}); code != http.StatusNoContent {
			t.Fatalf("banner request with DNT = %d %v", code, out)
		}
		if ok, reason := visitor(); ok || reason != "dnt" {
			t.Errorf("a visitor's analytics after Do Not Track = %v %s, want denied for dnt", ok, reason)
		}
	})

	promise(t, service, "O10", func(t *testing.T) {
		s := s.in(t)
		eu := s.subject(map[string]any{"jurisdiction": "DE",
			"identities": []map[string]any{{"type": "email", "value": "eea@cooper-client.example"}},
			"fields":     []map[string]any{{"name": "name", "category": "user.name", "value": "Max"}}})
		check := func(recipient string) map[string]any {
			return s.must(http.StatusOK, "POST", "/v1/transfers/check", map[string]any{"subject_id": eu,
				"recipient": recipient, "purpose": "essential.service", "categories": []string{"user.name"}})
		}
		// Standard contractual clauses (the parent company) and
		// certification (US service providers) cover a transfer out of the EEA.
		if out := check("wipro"); out["allowed"] != true || out["cross_border"] != true || out["mechanism"] != "scc" {
			t.Errorf("wipro: %v, want allowed abroad under standard contractual clauses", out)
		}
		if out := check("service_providers"); out["allowed"] != true || out["mechanism"] != "certification" {
			t.Errorf("service providers: %v, want allowed under certification", out)
		}
		// Cooper adds recipients: one under an adequacy decision, one with
		// only the person's consent, which is no routine transfer mechanism.
		src, err := os.ReadFile(s.policy)
		if err != nil {
			t.Fatal(err)
		}
		effective := s.clock.Now().AddDate(0, 0, 2).Format(time.DateOnly)
		text := regexp.MustCompile(`(?m)^version: .*$`).ReplaceAllString(string(src), `version: "`+effective+`"`)
		text = regexp.MustCompile(`(?m)^effective: .*$`).ReplaceAllString(text, `effective: "`+effective+`"`)
		text = strings.Replace(text, "\nretention:\n", `
  - key: tokyo_studio
    name: Design studio in Japan
    type: processor
    purposes: [essential.service]
    categories: [user.name]
    country: JP
    transfer: adequacy
  - key: offshore_desk
    name: Offshore support desk
    type: processor
    purposes: [essential.service]
    categories: [user.name]
    country: IN
    transfer: consent

retention:
`, 1)
		s.must(http.StatusCreated, "POST", "/v1/policy/versions", map[string]any{"source": text})
		if out := check("tokyo_studio"); out["reason"] != "undeclared_recipient" {
			t.Errorf("a recipient of a version not yet in force: %v", out)
		}
		s.advanceDays(2)
		if out := check("tokyo_studio"); out["allowed"] != true || out["mechanism"] != "adequacy" {
			t.Errorf("transfer under an adequacy decision: %v", out)
		}
		if out := check("offshore_desk"); out["allowed"] != false || out["reason"] != "mechanism_not_accepted" {
			t.Errorf("transfer out of the EEA on consent alone: %v, want refused mechanism_not_accepted", out)
		}
		// The refusal is on record for the person, as a refused disclosure.
		hist := s.must(http.StatusOK, "GET", "/v1/subjects/"+eu+"/disclosures", nil)
		if j := toJSON(t, hist); !strings.Contains(j, "tokyo_studio") || strings.Contains(j, "offshore_desk") {
			t.Errorf("disclosures on record: %s, want tokyo_studio and not the refused offshore_desk", j)
		}
	})
}

// decide asks whether purpose may be used for subject now.
func decide(t *testing.T, s *scenario, subject, purpose string) (allowed bool, reason string) {
	t.Helper()
	out := s.must(http.StatusOK, "POST", "/v1/decisions", map[string]any{"subject_id": subject, "purpose": purpose})
	allowed, _ = out["allowed"].(bool)
	reason, _ = out["reason"].(string)
	return allowed, reason
}

// fieldsFor reads a subject for purpose and returns its fields by name.
func fieldsFor(t *testing.T, s *scenario, subject, purpose string) map[string]string {
	t.Helper()
	return fieldsOf(s.must(http.StatusOK, "GET", "/v1/subjects/"+subject+"?purpose="+purpose, nil))
}

func fieldsOf(view map[string]any) map[string]string {
	out := map[string]string{}
	fields, _ := view["fields"].([]any)
	for _, f := range fields {
		m, _ := f.(map[string]any)
		name, _ := m["name"].(string)
		value, _ := m["value"].(string)
		out[name] = value
	}
	return out
}

// fileRequest files a request of typ for a signed-in subject, as Cooper's
// site does, and returns it.
func fileRequest(t *testing.T, s *scenario, subject, typ string, extra map[string]any) map[string]any {
	t.Helper()
	in := map[string]any{"subject_id": subject, "type": typ}
	for k, v := range extra {
		in[k] = v
	}
	out := s.must(http.StatusCreated, "POST", "/v1/requests", in)
	r, _ := out["request"].(map[string]any)
	if r == nil {
		t.Fatalf("no request in %v", out)
	}
	return r
}

// doneRequest waits for a request's execution and returns it, completed.
// It watches the request rather than the job queue, whose other requests'
// jobs (notices, packages) it need not wait for.
func doneRequest(t *testing.T, s *scenario, r map[string]any) map[string]any {
	t.Helper()
	got := s.in(t).requestSettled(r["id"].(string))
	if got["status"] != "completed" {
		t.Fatalf("%s request is %v, want completed: %v", got["type"], got["status"], got)
	}
	return got
}

// mailAbout waits for an email to to that names the request and holds
// want, and returns it.
func mailAbout(t *testing.T, s *scenario, to, request, want string) notifytest.Message {
	t.Helper()
	return s.in(t).mailWith(to, request, want)
}

// packageData follows the download link of a completed request's email
// to to and returns data.json of the ZIP it serves. The link names the
// public URL; the path is asked of the scenario's server.
func packageData(t *testing.T, s *scenario, to, request string) string {
	t.Helper()
	return string(s.in(t).packageFiles(mailAbout(t, s, to, request, requests.DownloadPath))["data.json"])
}

// sweep runs the retention sweep from the command line.
func sweep(t *testing.T, s *scenario) {
	t.Helper()
	if code, out, errOut := s.cli("retention", "run"); code != 0 {
		t.Fatalf("retention run: %d %s %s", code, out, errOut)
	}
}

// recipientKeys lists the recipients of a disclosure report.
func recipientKeys(rep map[string]any) []string {
	var keys []string
	list, _ := rep["recipients"].([]any)
	for _, r := range list {
		m, _ := r.(map[string]any)
		k, _ := m["key"].(string)
		if k == "" {
			k, _ = m["recipient"].(string)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// items returns the first list in an answer.
func items(out map[string]any) []any {
	for _, v := range out {
		if l, ok := v.([]any); ok {
			return l
		}
	}
	return nil
}

// when parses a time of an answer.
func when(t *testing.T, v any) time.Time {
	t.Helper()
	s, _ := v.(string)
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("time %v: %v", v, err)
	}
	return at
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// errorText is an error answer as text, to find the field it names.
func errorText(out map[string]any) string {
	b, _ := json.Marshal(out)
	return string(b)
}
