package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Kipsu (examples/kipsu): a guest messaging platform that processes the
// guests' data of its hospitality clients. Every promise of its privacy
// notice, by id (PROMISES.md K1-K11), driven the way the platform and its
// clients' staff and guests would.
func TestScenarioKipsu(t *testing.T) { onEngines(t, scenarioKipsu) }

func scenarioKipsu(t *testing.T, engine string) {
	const service = "kipsu"
	s := newScenario(t, engine, service)

	promise(t, service, "K1", func(t *testing.T) {
		s, k := kipsuOn(s, t)
		// A client's staff account and a guest the client enters: each value
		// is stored sealed, and read back only for a purpose that may read it.
		staff := s.subject(map[string]any{"jurisdiction": "US-MN",
			"identities": []map[string]any{{"type": "email", "value": "ana.desk@hotel.example"}, {"type": "phone", "value": "+16125550101"}},
			"fields": []map[string]any{
				{"name": "name", "category": "user.name", "value": "Ana Desk"},
				{"name": "password_hash", "category": "user.authorization.credentials", "value": "argon2id-k1-secret-hash"}}})
		guest := s.subject(map[string]any{"jurisdiction": "US-MN",
			"identities": []map[string]any{{"type": "phone", "value": "+16125550102"}},
			"fields": []map[string]any{
				{"name": "name", "category": "user.name", "value": "Gus Guest"},
				{"name": "message.1", "category": "user.content.private", "value": "Extra towels for room 412 please"},
				{"name": "message.1.sent_at", "category": "user.content.message_metadata", "value": "2026-03-02T09:00:00Z"}}})

		login := k.read(staff, "essential.service.authentication")
		if k.field(login, "password_hash") != "argon2id-k1-secret-hash" || k.field(login, "name") != "Ana Desk" ||
			k.identity(login, "email") != "ana.desk@hotel.example" || k.identity(login, "phone") != "+16125550101" {
			t.Errorf("staff account read for authentication: %v", login)
		}
		// The password is for signing in, not for messaging guests.
		if msg := k.read(staff, "essential.service.guest_messaging"); k.field(msg, "password_hash") != "" || !k.withheld(msg, "password_hash") {
			t.Errorf("password readable for guest messaging: %v", msg)
		}
		// The client finds the guest by the mobile number a text comes from.
		found := s.must(http.StatusOK, "POST", "/v1/subjects/lookup", map[string]any{"type": "phone", "value": "+1 612 555 0102", "purpose": "essential.service.guest_messaging"})
		if found["id"] != guest || k.field(found, "message.1") != "Extra towels for room 412 please" || k.field(found, "message.1.sent_at") != "2026-03-02T09:00:00Z" {
			t.Errorf("guest found by mobile: %v", found)
		}
		masked := k.readMasked(guest, "essential.service.guest_messaging")
		if n, p := k.field(masked, "name"), k.identity(masked, "phone"); n == "Gus Guest" || p == "+16125550102" || !strings.HasSuffix(p, "0102") {
			t.Errorf("masked guest: name %q phone %q", n, p)
		}
		// Analytics never reads what guests wrote.
		if a := k.read(guest, "analytics.reporting"); k.field(a, "message.1") != "" || k.identity(a, "phone") != "" {
			t.Errorf("analytics read guest data: %v", a)
		}
		// Data the notice does not list is refused, and nothing is stored.
		before := k.count()
		code, out := s.call("POST", "/v1/subjects", map[string]any{"jurisdiction": "US-MN",
			"identities": []map[string]any{{"type": "phone", "value": "+16125550103"}},
			"fields":     []map[string]any{{"name": "card", "category": "user.financial.bank_account", "value": "DE89370400440532013000"}}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out), "fields[0].category") {
			t.Errorf("uncollected category: %d %v", code, out)
		}
		if after := k.count(); after != before {
			t.Errorf("subjects %d after a refused create, want %d", after, before)
		}
		// At rest every value is sealed: no file of the data directory
		// holds a message, a password or a mobile number in plaintext.
		k.notOnDisk("Extra towels for room 412", "argon2id-k1-secret-hash", "+16125550102", "Gus Guest")
	})

	promise(t, service, "K2", func(t *testing.T) {
		s, k := kipsuOn(s, t)
		// A client's property management system brings more about a guest.
		guest := s.subject(map[string]any{"jurisdiction": "US-MN",
			"identities": []map[string]any{{"type": "phone", "value": "+16125550201"}},
			"fields":     []map[string]any{{"name": "name", "category": "user.name", "value": "Pia Guest"}}})
		k.patch(guest, map[string]any{"set_fields": []map[string]any{
			{"name": "pms.room", "category": "user.content.connected_system", "value": "room 1207, arriving 14 March"},
			{"name": "ticket.open", "category": "user.content.connected_system", "value": "late checkout asked"}}})
		got := k.read(guest, "essential.service")
		if k.field(got, "pms.room") != "room 1207, arriving 14 March" || k.field(got, "ticket.open") != "late checkout asked" {
			t.Errorf("connected-system data for the service: %v", got)
		}
		if imp := k.read(guest, "functional.service.improve"); k.field(imp, "pms.room") != "" || !k.withheld(imp, "pms.room") {
			t.Errorf("connected-system data readable to improve the site: %v", imp)
		}
		// A connected system may not bring what the notice does not list:
		// the whole change is refused, nothing half-written.
		code, out := s.call("PATCH", "/v1/subjects/"+guest, map[string]any{"set_fields": []map[string]any{
			{"name": "pms.note", "category": "user.content.connected_system", "value": "VIP"},
			{"name": "pms.card", "category": "user.financial.bank_account", "value": "4111111111111111"}}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out), "set_fields[1].category") {
			t.Errorf("uncollected connected-system data: %d %v", code, out)
		}
		if got := k.read(guest, "essential.service"); k.field(got, "pms.note") != "" {
			t.Error("a refused change was half-written")
		}
		// Hosting keeps it; the message carriers and the client's related
		// entities get none of it.
		if ok, reason := k.transfer(guest, "hosting", "essential.service", "user.content.connected_system"); !ok {
			t.Errorf("hosting refused connected-system data: %s", reason)
		}
		if ok, reason := k.transfer(guest, "transmission", "essential.service.guest_messaging", "user.content.connected_system"); ok || reason != "category_not_declared" {
			t.Errorf("message carriers got connected-system data: %v %s", ok, reason)
		}
		if ok, reason := k.transfer(guest, "client_related_entities", "essential.service", "user.content.connected_system"); ok || reason != "category_not_declared" {
			t.Errorf("related entities got connected-system data: %v %s", ok, reason)
		}
	})

	promise(t, service, "K3", func(t *testing.T) {
		s, k := kipsuOn(s, t)
		// A client's manager wrote a testimonial; it is published only once
		// they consent, and no longer once they withdraw.
		manager := s.subject(map[string]any{"jurisdiction": "US-MN",
			"identities": []map[string]any{{"type": "email", "value": "gm@hotel.example"}},
			"fields": []map[string]any{{"name": "name", "category": "user.name", "value": "Gina Manager"},
				{"name": "testimonial", "category": "user.content.public", "value": "Our guests love texting the front desk."}}})
		eu := s.subject(map[string]any{"jurisdiction": "FR",
			"identities": []map[string]any{{"type": "email", "value": "dg@hotel.example"}}})
		for _, id := range []string{manager, eu} {
			if ok, reason := k.decide(id, "marketing.advertising"); ok || reason != "no_consent" {
				t.Errorf("testimonial of %s publishable without consent: %v %s", id, ok, reason)
			}
		}
		given := s.must(http.StatusCreated, "POST", "/v1/consents", map[string]any{"subject_id": manager, "purpose": "marketing.advertising", "state": "given", "source": "api"})
		if ok, reason := k.decide(manager, "marketing.advertising"); !ok || reason != "consent_given" {
			t.Errorf("testimonial not publishable after consent: %v %s", ok, reason)
		}
		if ok, _ := k.decide(eu, "marketing.advertising"); ok {
			t.Error("one client's consent published another's testimonial")
		}
		// The consent is provable: a signed receipt.
		if id, _ := given["id"].(string); id == "" {
			t.Errorf("consent without id: %v", given)
		} else if r := s.must(http.StatusOK, "GET", "/v1/consents/"+id+"/receipt", nil); len(fmt.Sprint(r)) < 50 {
			t.Errorf("receipt: %v", r)
		}
		// Withdrawn by email to the privacy officer, recorded by staff.
		s.must(http.StatusCreated, "POST", "/v1/consents", map[string]any{"subject_id": manager, "purpose": "marketing.advertising", "state": "withdrawn", "source": "admin"})
		if ok, reason := k.decide(manager, "marketing.advertising"); ok || reason != "withdrawn" {
			t.Errorf("testimonial publishable after withdrawal: %v %s", ok, reason)
		}
	})

	promise(t, service, "K4", func(t *testing.T) {
		s, k := kipsuOn(s, t)
		// The banner asks about analytics only: essential cookies and the
		// web chat's browser storage are never refused.
		code, js := s.raw("GET", "/banner.js?tenant="+s.tenant, nil, nil)
		if code != http.StatusOK {
			t.Fatalf("banner.js: %d", code)
		}
		if !bytes.Contains(js, []byte(`"categories":[{"key":"analytics",`)) || bytes.Contains(js, []byte(`"key":"essential"`)) {
			t.Errorf("banner.js does not ask about analytics alone")
		}
		// A web chat guest is known by the browser storage id only.
		cookie := "wc-7f3a9c2e4b1d8f60"
		guest := s.subject(map[string]any{"jurisdiction": "DE",
			"identities": []map[string]any{{"type": "cookie_id", "value": cookie}},
			"fields":     []map[string]any{{"name": "chat.1", "category": "user.content.private", "value": "Is the spa open late?"}}})
		found := s.must(http.StatusOK, "POST", "/v1/subjects/lookup", map[string]any{"type": "cookie_id", "value": cookie, "purpose": "essential.service.guest_messaging"})
		if found["id"] != guest || k.field(found, "chat.1") != "Is the spa open late?" {
			t.Errorf("web chat guest by browser storage: %v", found)
		}
		// Refusing analytics cookies on the banner leaves the essential web
		// chat working.
		visitor := "v-0c1d2e3f4a5b6c7d8e9f"
		if code, out := s.public("POST", "/v1/public/consents", map[string]any{"tenant": s.tenant, "cookie_id": visitor, "choices": map[string]bool{"analytics": false}}, nil); code != http.StatusNoContent {
			t.Fatalf("banner choice: %d %v", code, out)
		}
		if ok, reason := k.decideCookie(visitor, "essential.service.guest_messaging"); !ok {
			t.Errorf("web chat denied after refusing analytics: %s", reason)
		}
		// Google Analytics gets the IP address and nothing else that could
		// single a person out: not the web chat's storage id that
		// identifies a guest's computer, nor who the guest is.
		if ok, reason := k.transfer(guest, "google_analytics", "analytics.reporting", "user.device.ip_address"); !ok {
			t.Errorf("IP address to Google Analytics refused: %s", reason)
		}
		for _, cat := range []string{"user.device.cookie_id", "user.device", "user.name", "user.contact.phone_number", "user.content.private"} {
			if ok, reason := k.transfer(guest, "google_analytics", "analytics.reporting", cat); ok || reason != "category_not_declared" {
				t.Errorf("%s to Google Analytics: %v %s", cat, ok, reason)
			}
		}
	})

	promise(t, service, "K5", func(t *testing.T) {
		s, k := kipsuOn(s, t)
		// EU guests' Privacy Shield complaints: answered within 45 days,
		// then referred to JAMS.
		start := s.clock.Now()
		late := s.must(http.StatusCreated, "POST", "/v1/complaints", map[string]any{"channel": "email", "jurisdiction": "DE", "reference": "PS-2026-0001"})
		onTime := s.must(http.StatusCreated, "POST", "/v1/complaints", map[string]any{"channel": "email", "jurisdiction": "FR", "reference": "PS-2026-0002"})
		lateID, _ := late["id"].(string)
		onTimeID, _ := onTime["id"].(string)
		if due := k.time(late, "due_at"); !due.Equal(start.AddDate(0, 0, 45)) {
			t.Errorf("due %v, want 45 days after %v", due, start)
		}
		// The complaint's words stay in the mailbox, out of the register.
		if code, out := s.call("POST", "/v1/complaints", map[string]any{"channel": "email", "reference": "guest@example.com says the staff read my texts"}); code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out), "reference") {
			t.Errorf("a complaint's words as reference: %d %v", code, out)
		}
		s.advanceDays(30)
		s.must(http.StatusOK, "POST", "/v1/complaints/"+onTimeID+"/answer", nil)
		s.advanceDays(14)
		if c := s.must(http.StatusOK, "GET", "/v1/complaints/"+lateID, nil); c["overdue"] != false || c["escalation"] != nil {
			t.Errorf("complaint on day 44: %v", c)
		}
		s.advanceDays(2)
		c := s.must(http.StatusOK, "GET", "/v1/complaints/"+lateID, nil)
		if esc, _ := c["escalation"].(string); c["overdue"] != true || !strings.Contains(esc, "JAMS") {
			t.Errorf("complaint on day 46: %v", c)
		}
		if c := s.must(http.StatusOK, "GET", "/v1/complaints/"+onTimeID, nil); c["overdue"] != false || c["status"] != "answered" {
			t.Errorf("complaint answered on day 30: %v", c)
		}
		list := s.must(http.StatusOK, "GET", "/v1/complaints?overdue=true", nil)
		if cs, _ := list["complaints"].([]any); len(cs) != 1 || cs[0].(map[string]any)["id"] != lateID {
			t.Errorf("overdue complaints: %v", list)
		}
		esc := s.must(http.StatusOK, "POST", "/v1/complaints/"+lateID+"/escalate", nil)
		if esc["status"] != "escalated" || !strings.Contains(fmt.Sprint(esc["escalation"]), "jamsadr.com") {
			t.Errorf("escalated: %v", esc)
		}
		if code, _ := s.call("POST", "/v1/complaints/"+lateID+"/escalate", nil); code != http.StatusConflict {
			t.Errorf("second escalation: %d", code)
		}
	})

	promise(t, service, "K6", func(t *testing.T) {
		s, k := kipsuOn(s, t)
		guest := s.subject(map[string]any{"jurisdiction": "US-MN",
			"identities": []map[string]any{{"type": "phone", "value": "+16125550601"}},
			"fields": []map[string]any{{"name": "name", "category": "user.name", "value": "Hal Guest"},
				{"name": "message.1", "category": "user.content.private", "value": "Taxi at 7?"}}})
		// Service providers and the client's related entities, for what the
		// contracts cover; nobody else, and nothing more.
		allowed := []struct{ recipient, purpose, category string }{
			{"hosting", "essential.service", "user.content.private"},
			{"transmission", "essential.service.guest_messaging", "user.contact.phone_number"},
			{"client_related_entities", "essential.service", "user.name"},
		}
		for _, a := range allowed {
			if ok, reason := k.transfer(guest, a.recipient, a.purpose, a.category); !ok {
				t.Errorf("%s refused: %s", a.recipient, reason)
			}
		}
		refused := []struct{ recipient, purpose, category, reason string }{
			{"data_broker", "essential.service", "user.name", "undeclared_recipient"},
			{"client_related_entities", "marketing.advertising", "user.name", "purpose_not_declared"},
			{"transmission", "essential.service.guest_messaging", "user.name", "category_not_declared"},
			{"hosting", "marketing.advertising", "user.name", "purpose_not_declared"},
		}
		for _, r := range refused {
			if ok, reason := k.transfer(guest, r.recipient, r.purpose, r.category); ok || reason != r.reason {
				t.Errorf("%s for %s: %v %s, want %s", r.recipient, r.purpose, ok, reason, r.reason)
			}
		}
		// Each allowed sharing is on record, the refused ones are not.
		d := s.must(http.StatusOK, "GET", "/v1/subjects/"+guest+"/disclosures", nil)
		if n := len(k.list(d, "disclosures")); n != len(allowed) {
			t.Errorf("%d disclosures on record, want %d: %v", n, len(allowed), d)
		}

		// A subpoena: the person is told, with the authority and the case.
		staff := s.subject(map[string]any{"jurisdiction": "US-MN",
			"identities": []map[string]any{{"type": "email", "value": "night.audit@hotel.example"}},
			"fields":     []map[string]any{{"name": "name", "category": "user.name", "value": "Nia Audit"}}})
		told := s.must(http.StatusCreated, "POST", "/v1/authority-disclosures", map[string]any{"subject_id": staff, "recipient": "authorities",
			"legal_basis": "subpoena", "reference": "CASE-2026-14", "categories": []string{"user.name", "user.contact.email"}})
		s.waitJobs("disclosure.notice")
		mails := s.emailsTo("night.audit@hotel.example", 1)
		if body := mails[0].Text; !strings.Contains(body, "Courts, law enforcement") || !strings.Contains(body, "CASE-2026-14") || !strings.Contains(body, "subpoena") {
			t.Errorf("notice of disclosure: %q", body)
		}
		// A gag order: nobody is told until it is lifted.
		gagged := s.subject(map[string]any{"jurisdiction": "US-MN",
			"identities": []map[string]any{{"type": "email", "value": "bar.manager@hotel.example"}}})
		g := s.must(http.StatusCreated, "POST", "/v1/authority-disclosures", map[string]any{"subject_id": gagged, "recipient": "authorities",
			"legal_basis": "court_order", "reference": "ORDER-88", "categories": []string{"user.contact.email"}, "gag": true})
		s.waitJobs("disclosure.notice")
		if n := k.mailCount("bar.manager@hotel.example"); n != 0 || g["notice"] != "withheld" {
			t.Errorf("gagged disclosure: %d emails, notice %v", n, g["notice"])
		}
		reg := s.must(http.StatusOK, "GET", "/v1/subjects/"+staff+"/authority-disclosures", nil)
		if ds := k.list(reg, "disclosures"); len(ds) != 1 || ds[0]["id"] != told["id"] || ds[0]["notice"] != "sent" {
			t.Errorf("register after the notice: %v", reg)
		}
		s.must(http.StatusOK, "POST", fmt.Sprintf("/v1/authority-disclosures/%s/lift-gag", g["id"]), nil)
		s.waitJobs("disclosure.notice")
		if m := s.emailsTo("bar.manager@hotel.example", 1); !strings.Contains(m[0].Text, "ORDER-88") {
			t.Errorf("notice after the gag: %q", m[0].Text)
		}
		// Guests are known by their mobile number only: they must be told
		// too, by text.
		s.must(http.StatusCreated, "POST", "/v1/authority-disclosures", map[string]any{"subject_id": guest, "recipient": "authorities",
			"legal_basis": "warrant", "reference": "W-2026-3", "categories": []string{"user.content.private"}})
		s.waitJobs("disclosure.notice")
		texts := s.smsTo("+16125550601", 1)
		if body := texts[0].Text; !strings.Contains(body, "Courts, law enforcement") || !strings.Contains(body, "W-2026-3") || !strings.Contains(body, "warrant") {
			t.Errorf("text message of the disclosure: %q", body)
		}
		reg = s.must(http.StatusOK, "GET", "/v1/subjects/"+guest+"/authority-disclosures", nil)
		if ds := k.list(reg, "disclosures"); len(ds) != 1 || ds[0]["notice"] != "sent" {
			t.Errorf("register of the guest told by text: %v", reg)
		}
	})

	promise(t, service, "K7", func(t *testing.T) {
		s, k := kipsuOn(s, t)
		child := s.subject(map[string]any{"jurisdiction": "US-MN",
			"identities": []map[string]any{{"type": "phone", "value": "+16125550701"}},
			"fields":     []map[string]any{{"name": "message.1", "category": "user.content.private", "value": "is the pool open"}}})
		teen := s.subject(map[string]any{"jurisdiction": "US-MN",
			"identities": []map[string]any{{"type": "phone", "value": "+16125550702"}}})
		held := s.subject(map[string]any{"jurisdiction": "US-MN",
			"identities": []map[string]any{{"type": "phone", "value": "+16125550703"}}})
		// Learned to be 15: deleted at once.
		if out := s.must(http.StatusOK, "POST", "/v1/subjects/"+child+"/age", map[string]any{"age": 15}); out["action"] != "delete" {
			t.Errorf("child of 15: %v", out)
		}
		if code, _ := s.call("GET", "/v1/subjects/"+child+"?purpose=essential.service", nil); code != http.StatusNotFound {
			t.Errorf("child's data readable after deletion: %d", code)
		}
		if code, _ := s.call("POST", "/v1/subjects/lookup", map[string]any{"type": "phone", "value": "+16125550701", "purpose": "essential.service"}); code != http.StatusNotFound {
			t.Errorf("child still found by mobile: %d", code)
		}
		// 16 is old enough.
		if out := s.must(http.StatusOK, "POST", "/v1/subjects/"+teen+"/age", map[string]any{"age": 16}); out["action"] != nil {
			t.Errorf("guest of 16: %v", out)
		}
		k.read(teen, "essential.service")
		// Under a legal hold the child's data is kept but no longer used.
		s.must(http.StatusCreated, "POST", "/v1/holds", map[string]any{"subject_id": held, "reason": "LIT-2026-9"})
		if out := s.must(http.StatusOK, "POST", "/v1/subjects/"+held+"/age", map[string]any{"age": 12}); out["action"] != "delete" || out["hold_id"] == nil {
			t.Errorf("held child: %v", out)
		}
		if ok, reason := k.decide(held, "essential.service.guest_messaging"); ok || reason != "restricted" {
			t.Errorf("held child still messaged: %v %s", ok, reason)
		}
		ev := s.must(http.StatusOK, "GET", "/v1/audit/events?subject_id="+child+"&action=children.delete", nil)
		if len(k.list(ev, "events")) != 1 {
			t.Errorf("children.delete audit: %v", ev)
		}
	})

	promise(t, service, "K8", func(t *testing.T) {
		s, k := kipsuOn(s, t)
		// A guest emails privacy@kipsu.com; Kipsu processes for the hotel,
		// so the privacy officer files the request and privet routes it to
		// the client, on the law's clock.
		guest := s.subject(map[string]any{"jurisdiction": "DE",
			"identities": []map[string]any{{"type": "phone", "value": "+4915112345801"}},
			"fields": []map[string]any{{"name": "name", "category": "user.name", "value": "Eva Gast"},
				{"name": "message.1", "category": "user.content.private", "value": "Frühstück bis wann?"}}})
		start := s.clock.Now()
		var ids []string
		for _, typ := range []string{"erasure", "access", "rectification"} {
			in := map[string]any{"subject_id": guest, "type": typ}
			if typ == "rectification" {
				in["corrections"] = map[string]string{"name": "Eva Gastmann"}
			}
			r, _ := s.must(http.StatusCreated, "POST", "/v1/requests", in)["request"].(map[string]any)
			if r["status"] != "routed" || r["processor_client"] != "example-hotel" {
				t.Errorf("%s request: %v", typ, r)
			}
			if due := k.time(r, "due_at"); !due.Equal(start.AddDate(0, 1, 0)) {
				t.Errorf("%s due %v, want one month after %v (GDPR Art. 12(3))", typ, due, start)
			}
			ids = append(ids, r["id"].(string))
		}
		// The hotel asks for more time: the law allows two more months.
		ext := s.must(http.StatusOK, "POST", "/v1/requests/"+ids[1]+"/extend", map[string]any{"reason": "the hotel gathers its own records"})
		if due := k.time(ext, "due_at"); !due.Equal(start.AddDate(0, 3, 0)) {
			t.Errorf("extended access due %v", due)
		}
		// The hotel authorises the deletion; Kipsu deletes.
		done := s.must(http.StatusOK, "POST", "/v1/requests/"+ids[0]+"/approve", nil)
		if done["status"] != "completed" || done["outcome"] != "routed" {
			t.Errorf("erasure answered by the client: %v", done)
		}
		s.must(http.StatusNoContent, "DELETE", "/v1/subjects/"+guest, nil)
		if code, _ := s.call("GET", "/v1/subjects/"+guest+"?purpose=essential.service", nil); code != http.StatusNotFound {
			t.Errorf("guest readable after deletion: %d", code)
		}
		// Data the law requires is not deleted: a legal hold refuses it.
		kept := s.subject(map[string]any{"jurisdiction": "US-MN",
			"identities": []map[string]any{{"type": "phone", "value": "+16125550802"}},
			"fields":     []map[string]any{{"name": "message.1", "category": "user.content.private", "value": "I will sue"}}})
		hold := s.must(http.StatusCreated, "POST", "/v1/holds", map[string]any{"subject_id": kept, "reason": "LIT-2026-12"})
		code, out := s.call("DELETE", "/v1/subjects/"+kept, nil)
		if code != http.StatusConflict || !strings.Contains(fmt.Sprint(out), hold["id"].(string)) {
			t.Errorf("erasure of held data: %d %v", code, out)
		}
		if got := k.read(kept, "essential.legal_obligation"); k.field(got, "message.1") != "I will sue" {
			t.Errorf("held data: %v", got)
		}
		// What is kept after deletion is anonymized: counts of message
		// metadata shared by at least k=5 guests, nothing per person.
		var guests []string
		for i := range 6 {
			channel := "sms"
			if i == 5 {
				channel = "whatsapp" // alone: it would single someone out
			}
			g := s.subject(map[string]any{"jurisdiction": "US-MN",
				"identities": []map[string]any{{"type": "phone", "value": fmt.Sprintf("+1612555089%d", i)}},
				"fields": []map[string]any{{"name": "message.1", "category": "user.content.private", "value": "late arrival"},
					{"name": "message.1.channel", "category": "user.content.message_metadata", "value": channel}}})
			s.must(http.StatusNoContent, "POST", "/v1/subjects/"+g+"/touch", nil)
			guests = append(guests, g)
		}
		s.advanceDays(2*366 + 1)
		rep := k.sweep()
		if rep["anonymized"] != float64(5) || rep["suppressed"] != float64(1) {
			t.Errorf("sweep kept %v anonymized values, suppressed %v, want 5 and 1: %v", rep["anonymized"], rep["suppressed"], rep)
		}
		for _, g := range guests {
			if code, out := s.call("GET", "/v1/subjects/"+g+"?purpose=essential.service", nil); code != http.StatusNotFound {
				t.Errorf("guest %s identifiable after anonymization: %d %v", g, code, out)
			}
		}
		if s.main.Requests.Notifier == nil {
			t.Skip("needs: request emails wired (the hotel's request_forwarded and the guest's request_routed and request_extended notices are not sent)")
		}
		if m := s.emailsTo("privacy@hotel.example", 3); len(m) < 3 {
			t.Errorf("the client was told of %d requests, want 3", len(m))
		}
	})

	promise(t, service, "K9", func(t *testing.T) {
		s, k := kipsuOn(s, t)
		const phone = "+16125550901"
		guest := s.subject(map[string]any{"jurisdiction": "US-MN", "identities": []map[string]any{{"type": "phone", "value": phone}}})
		if ok, reason := k.decide(guest, "essential.service.guest_messaging"); !ok || reason != "not_opted_out" {
			t.Fatalf("guest messaging before any stop: %v %s", ok, reason)
		}
		// The guest replies "stop" to a text.
		stop := s.must(http.StatusOK, "POST", "/v1/sms/inbound", map[string]any{"from": phone, "body": "stop"})
		if reply, _ := stop["reply"].(string); reply == "" {
			t.Errorf("no confirmation to text back: %v", stop)
		}
		if ok, reason := k.decide(guest, "essential.service.guest_messaging"); ok || reason != "opted_out" {
			t.Errorf("guest messaging after STOP: %v %s", ok, reason)
		}
		// The carrier is not asked to send to the guest any more.
		if ok, reason := k.transfer(guest, "transmission", "essential.service.guest_messaging", "user.contact.phone_number"); ok || reason != "purpose_denied" {
			t.Errorf("message handed to the carrier after STOP: %v %s", ok, reason)
		}
		// The reply is the same for a number nobody knows.
		if other := s.must(http.StatusOK, "POST", "/v1/sms/inbound", map[string]any{"from": "+16125550999", "body": "STOP"}); other["reply"] != stop["reply"] {
			t.Errorf("reply to an unknown number differs: %v vs %v", other, stop)
		}
		s.must(http.StatusOK, "POST", "/v1/sms/inbound", map[string]any{"from": phone, "body": "START"})
		if ok, reason := k.decide(guest, "essential.service.guest_messaging"); !ok {
			t.Errorf("guest messaging after START: %s", reason)
		}
		// Or follows the unsubscribe instructions in a message.
		other := s.subject(map[string]any{"jurisdiction": "US-MN", "identities": []map[string]any{{"type": "phone", "value": "+16125550902"}}})
		link := s.must(http.StatusOK, "POST", "/v1/unsubscribe/links", map[string]any{"subject_id": other, "purpose": "essential.service.guest_messaging", "base_url": s.base})
		u, err := url.Parse(link["url"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if code, _ := s.raw("GET", u.Path, nil, nil); code != http.StatusOK {
			t.Errorf("unsubscribe page: %d", code)
		}
		if ok, _ := k.decide(other, "essential.service.guest_messaging"); !ok {
			t.Error("opening the unsubscribe page unsubscribed")
		}
		if code, _ := s.raw("POST", u.Path, "List-Unsubscribe=One-Click", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}); code != http.StatusOK {
			t.Errorf("unsubscribe: %d", code)
		}
		if ok, reason := k.decide(other, "essential.service.guest_messaging"); ok || reason != "opted_out" {
			t.Errorf("guest messaging after unsubscribing: %v %s", ok, reason)
		}
		// Or writes to privacy@kipsu.com, and staff record it.
		third := s.subject(map[string]any{"jurisdiction": "US-MN", "identities": []map[string]any{{"type": "phone", "value": "+16125550903"}}})
		s.must(http.StatusCreated, "POST", "/v1/consents", map[string]any{"subject_id": third, "purpose": "essential.service.guest_messaging", "state": "withdrawn", "source": "admin"})
		if ok, _ := k.decide(third, "essential.service.guest_messaging"); ok {
			t.Error("guest messaging after an opt-out by email")
		}
		hist := s.must(http.StatusOK, "GET", "/v1/subjects/"+guest+"/consents", nil)
		if !strings.Contains(fmt.Sprint(hist), "sms_keyword") {
			t.Errorf("history of the STOP: %v", hist)
		}
	})

	promise(t, service, "K10", func(t *testing.T) {
		s, k := kipsuOn(s, t)
		// Guest data stays while the guest keeps messaging.
		guest := s.subject(map[string]any{"jurisdiction": "US-MN",
			"identities": []map[string]any{{"type": "phone", "value": "+16125551001"}},
			"fields": []map[string]any{{"name": "name", "category": "user.name", "value": "Ray Guest"},
				{"name": "message.1", "category": "user.content.private", "value": "room service"}}})
		s.must(http.StatusNoContent, "POST", "/v1/subjects/"+guest+"/touch", nil)
		s.advanceDays(700)
		s.must(http.StatusNoContent, "POST", "/v1/subjects/"+guest+"/touch", nil) // back for another stay
		s.advanceDays(60)
		k.sweep()
		if got := k.read(guest, "essential.service"); k.field(got, "message.1") != "room service" {
			t.Errorf("a returning guest's data went before its time: %v", got)
		}
		s.advanceDays(700)
		k.sweep()
		if code, _ := s.call("GET", "/v1/subjects/"+guest+"?purpose=essential.service", nil); code != http.StatusNotFound {
			t.Errorf("guest data kept two years after the last message: %d", code)
		}
		// A client's contract ends: its staff's passwords go a year later,
		// unless a dispute holds them.
		staff := s.subject(map[string]any{"jurisdiction": "US-MN",
			"identities": []map[string]any{{"type": "email", "value": "ops@closed-hotel.example"}},
			"fields": []map[string]any{{"name": "name", "category": "user.name", "value": "Ola Ops"},
				{"name": "password_hash", "category": "user.authorization.credentials", "value": "argon2id-k10"}}})
		disputed := s.subject(map[string]any{"jurisdiction": "US-MN",
			"identities": []map[string]any{{"type": "email", "value": "gm@closed-hotel.example"}},
			"fields":     []map[string]any{{"name": "password_hash", "category": "user.authorization.credentials", "value": "argon2id-k10b"}}})
		s.must(http.StatusNoContent, "POST", "/v1/retention/relationship-ended", map[string]any{"subject_ids": []string{staff, disputed}})
		hold := s.must(http.StatusCreated, "POST", "/v1/holds", map[string]any{"subject_id": disputed, "reason": "DISPUTE-2028-4"})
		s.advanceDays(360)
		k.sweep()
		if got := k.read(staff, "essential.service.authentication"); k.field(got, "password_hash") != "argon2id-k10" {
			t.Errorf("password gone before the year: %v", got)
		}
		s.advanceDays(10)
		rep := k.sweep()
		if got := k.read(staff, "essential.service.authentication"); k.field(got, "password_hash") != "" || k.field(got, "name") != "Ola Ops" {
			t.Errorf("a year after the contract ended: %v", got)
		}
		if got := k.read(disputed, "essential.service.authentication"); k.field(got, "password_hash") != "argon2id-k10b" {
			t.Errorf("held password deleted: %v", got)
		}
		if !strings.Contains(fmt.Sprint(rep["held"]), hold["id"].(string)) {
			t.Errorf("sweep report does not name the hold: %v", rep)
		}
		// An authorized deletion request does not wait for any of this.
		early := s.subject(map[string]any{"jurisdiction": "US-MN", "identities": []map[string]any{{"type": "phone", "value": "+16125551002"}}})
		s.must(http.StatusNoContent, "POST", "/v1/subjects/"+early+"/touch", nil)
		r, _ := s.must(http.StatusCreated, "POST", "/v1/requests", map[string]any{"subject_id": early, "type": "erasure"})["request"].(map[string]any)
		s.must(http.StatusOK, "POST", fmt.Sprintf("/v1/requests/%s/approve", r["id"]), nil)
		s.must(http.StatusNoContent, "DELETE", "/v1/subjects/"+early, nil)
		if code, _ := s.call("GET", "/v1/subjects/"+early+"?purpose=essential.service", nil); code != http.StatusNotFound {
			t.Errorf("guest readable after an authorized deletion: %d", code)
		}
	})

	promise(t, service, "K11", func(t *testing.T) {
		s, k := kipsuOn(s, t)
		// Every recipient is in the United States, where the data is
		// stored: a US guest's data goes abroad to none of them. An EU
		// guest's data leaves the EU all the same, so each transfer rests on
		// the Privacy Shield certification the policy names; a US authority
		// has no Chapter V ground (GDPR Art. 48) and is refused.
		us := s.subject(map[string]any{"jurisdiction": "US-NY",
			"identities": []map[string]any{{"type": "phone", "value": "+12125550111"}},
			"fields":     []map[string]any{{"name": "name", "category": "user.name", "value": "Joe Guest"}}})
		eu := s.subject(map[string]any{"jurisdiction": "DE",
			"identities": []map[string]any{{"type": "phone", "value": "+4915112341101"}},
			"fields":     []map[string]any{{"name": "name", "category": "user.name", "value": "Jan Gast"}}})
		for _, r := range []struct{ recipient, purpose, category string }{
			{"hosting", "essential.service", "user.name"},
			{"transmission", "essential.service.guest_messaging", "user.contact.phone_number"},
			{"client_related_entities", "essential.service", "user.name"},
			{"authorities", "essential.legal_obligation", "user.name"},
		} {
			if out := k.check(us, r.recipient, r.purpose, r.category); out["allowed"] != true || out["cross_border"] != false {
				t.Errorf("US guest to %s: %v", r.recipient, out)
			}
			out := k.check(eu, r.recipient, r.purpose, r.category)
			switch r.recipient {
			case "authorities":
				if out["allowed"] != false || out["reason"] != "no_transfer_mechanism" {
					t.Errorf("EU guest to a US authority: %v", out)
				}
			default:
				if out["allowed"] != true || out["cross_border"] != true || out["mechanism"] != "certification" {
					t.Errorf("EU guest to %s: %v", r.recipient, out)
				}
			}
		}
		// A recipient outside the United States cannot be added without a
		// transfer mechanism; nothing is published.
		src, err := os.ReadFile(s.policy)
		if err != nil {
			t.Fatal(err)
		}
		effective := s.clock.Now().AddDate(0, 0, 2).Format(time.DateOnly)
		abroad := func(mechanism string) string {
			v := strings.Replace(string(src), `version: "2018-06-22"`, `version: "2026-k11-`+mechanism+`"`, 1)
			v = strings.Replace(v, `effective: "2018-06-22"`, `effective: "`+effective+`"`, 1)
			r := "  - key: offshore_support\n    name: Offshore support desk\n    type: processor\n    purposes: [essential.service]\n    categories: [user.name]\n    country: IN\n"
			if mechanism != "" {
				r += "    transfer: " + mechanism + "\n"
			}
			return strings.Replace(v, "\nretention:\n", "\n"+r+"\nretention:\n", 1)
		}
		code, out := s.call("POST", "/v1/policy/versions", map[string]any{"source": abroad("")})
		if code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out), "transfer") {
			t.Errorf("recipient abroad without a mechanism: %d %v", code, out)
		}
		if vs := s.must(http.StatusOK, "GET", "/v1/policy/versions", nil); strings.Contains(fmt.Sprint(vs), "2026-k11") {
			t.Errorf("a refused version was stored: %v", vs)
		}
		// With consent as the mechanism, an EU guest's data still does not
		// leave: GDPR Chapter V does not accept it for routine transfers.
		s.must(http.StatusCreated, "POST", "/v1/policy/versions", map[string]any{"source": abroad("consent")})
		if out := k.check(eu, "offshore_support", "essential.service", "user.name"); out["reason"] != "undeclared_recipient" {
			t.Errorf("before the version takes effect: %v", out)
		}
		s.advanceDays(3)
		out = k.check(eu, "offshore_support", "essential.service", "user.name")
		if out["allowed"] != false || out["reason"] != "mechanism_not_accepted" || out["cross_border"] != true {
			t.Errorf("EU guest's data to India on consent: %v", out)
		}
	})
}

// kipsu holds the scenario's helpers for this service.
type kipsu struct{ s *scenario }

// kipsuOn returns the scenario and its helpers reporting to the subtest t,
// so a failed call fails the promise it belongs to, not the whole test.
func kipsuOn(s *scenario, t *testing.T) (*scenario, kipsu) {
	c := s.in(t)
	return c, kipsu{c}
}

func (k kipsu) read(id, purpose string) map[string]any {
	k.s.t.Helper()
	return k.s.must(http.StatusOK, "GET", "/v1/subjects/"+id+"?purpose="+purpose, nil)
}

func (k kipsu) readMasked(id, purpose string) map[string]any {
	k.s.t.Helper()
	return k.s.must(http.StatusOK, "GET", "/v1/subjects/"+id+"?masked=true&purpose="+purpose, nil)
}

func (k kipsu) patch(id string, change map[string]any) {
	k.s.t.Helper()
	if code, out := k.s.call("PATCH", "/v1/subjects/"+id, change); code >= 300 {
		k.s.t.Fatalf("PATCH %s: %d %v", id, code, out)
	}
}

// list returns the objects under key of an answer.
func (kipsu) list(m map[string]any, key string) []map[string]any {
	var out []map[string]any
	items, _ := m[key].([]any)
	for _, it := range items {
		if o, ok := it.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

// field is the value of a subject's field by name, "" if absent.
func (k kipsu) field(v map[string]any, name string) string {
	for _, f := range k.list(v, "fields") {
		if f["name"] == name {
			s, _ := f["value"].(string)
			return s
		}
	}
	return ""
}

// identity is the value of a subject's identity of a type, "" if absent.
func (k kipsu) identity(v map[string]any, typ string) string {
	for _, id := range k.list(v, "identities") {
		if id["type"] == typ {
			s, _ := id["value"].(string)
			return s
		}
	}
	return ""
}

func (kipsu) withheld(v map[string]any, name string) bool {
	w, _ := v["withheld"].([]any)
	for _, n := range w {
		if n == name {
			return true
		}
	}
	return false
}

func (k kipsu) time(v map[string]any, key string) time.Time {
	k.s.t.Helper()
	s, _ := v[key].(string)
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		k.s.t.Errorf("%s %q: %v", key, s, err)
	}
	return at
}

// count is the number of the tenant's subjects.
func (k kipsu) count() int {
	k.s.t.Helper()
	return len(k.list(k.s.must(http.StatusOK, "GET", "/v1/subjects?limit=1000", nil), "subjects"))
}

func (k kipsu) decide(subject, purpose string) (bool, string) {
	k.s.t.Helper()
	out := k.s.must(http.StatusOK, "POST", "/v1/decisions", map[string]any{"subject_id": subject, "purpose": purpose})
	reason, _ := out["reason"].(string)
	return out["allowed"] == true, reason
}

func (k kipsu) decideCookie(cookie, purpose string) (bool, string) {
	k.s.t.Helper()
	out := k.s.must(http.StatusOK, "POST", "/v1/decisions", map[string]any{"cookie_id": cookie, "purpose": purpose})
	reason, _ := out["reason"].(string)
	return out["allowed"] == true, reason
}

// check asks whether recipient may receive categories of subject for purpose.
func (k kipsu) check(subject, recipient, purpose string, categories ...string) map[string]any {
	k.s.t.Helper()
	return k.s.must(http.StatusOK, "POST", "/v1/transfers/check", map[string]any{"subject_id": subject, "recipient": recipient, "purpose": purpose, "categories": categories})
}

func (k kipsu) transfer(subject, recipient, purpose string, categories ...string) (bool, string) {
	k.s.t.Helper()
	out := k.check(subject, recipient, purpose, categories...)
	reason, _ := out["reason"].(string)
	return out["allowed"] == true, reason
}

// sweep runs the retention sweep from the command line and returns its
// report.
func (k kipsu) sweep() map[string]any {
	k.s.t.Helper()
	code, out, errOut := k.s.cli("retention", "run")
	if code != 0 {
		k.s.t.Fatalf("retention run: %d %s", code, errOut)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		k.s.t.Fatalf("retention report %q: %v", out, err)
	}
	return rep
}

// mailCount is how many emails went to an address so far.
func (k kipsu) mailCount(to string) int {
	n := 0
	for _, m := range k.s.mail.Messages() {
		for _, r := range m.To {
			if strings.EqualFold(r, to) {
				n++
			}
		}
	}
	return n
}

// notOnDisk fails if any file of the data directory holds one of values.
func (k kipsu) notOnDisk(values ...string) {
	k.s.t.Helper()
	err := filepath.WalkDir(k.s.dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, v := range values {
			if bytes.Contains(raw, []byte(v)) {
				k.s.t.Errorf("%s holds a value in plaintext", filepath.Base(path))
			}
		}
		return nil
	})
	if err != nil {
		k.s.t.Fatal(err)
	}
}
