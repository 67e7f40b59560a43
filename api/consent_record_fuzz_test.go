package api

import (
	"encoding/json"
	"testing"
)

// FuzzConsentRecordBody: the consent write's own decoder accepts exactly the
// bodies the route's schema (the one in the OpenAPI document) accepts, and
// decodes them as encoding/json does.
func FuzzConsentRecordBody(f *testing.F) {
	f.Add(`{"subject_id":"sub_1","purpose":"marketing.communications.email","state":"given","source":"api"}`)
	f.Add(`{"cookie_id":"c1","state":"refused","source":"banner","jurisdiction":"DE","notice_hash":"ab","user_agent":"UA","ip":"192.0.2.1","guardian":true}`)
	f.Add(`{"subject_id":"sub_1","state":"maybe","source":"api"}`)
	f.Add(`{"subject_id":"sub_1","state":"given","source":"fax"}`)
	f.Add(`{"subject_id":"sub_1","state":"given"}`)
	f.Add(`{"subject_id":null,"state":"given","source":"api","guardian":null}`)
	f.Add(`{"subject_id":"sub_1","state":null,"source":"api"}`)
	f.Add(`{"subject_id":5,"state":"given","source":"api"}`)
	f.Add(`{"subject_id":"sub_1","state":"given","source":"api","guardian":"yes"}`)
	f.Add(`{"subject_id":"sub_1","state":"given","source":"api","email":"x"}`)
	f.Add(`{"Subject_ID":"sub_1","STATE":"given","source":"api"}`)
	f.Add(`{"jurisdiction":"ééééééééééééééééé","state":"given","source":"api"}`)
	f.Add(`{"state":"given","source":"api"} {}`)
	f.Add(`{"state":"given","State":"maybe","source":"api"}`)
	f.Add(`null`)
	f.Add(`[]`)
	schemaAccepts := schemaValidator[consentRecordInputBody]()
	f.Fuzz(func(t *testing.T, data string) {
		var b consentRecordInputBody
		err := json.Unmarshal([]byte(data), &b)
		if !agreesWithSchema(t, schemaAccepts, data, err, b.invalid) {
			return
		}
		var want struct {
			SubjectID    string `json:"subject_id"`
			CookieID     string `json:"cookie_id"`
			Purpose      string `json:"purpose"`
			State        string `json:"state"`
			Source       string `json:"source"`
			Jurisdiction string `json:"jurisdiction"`
			NoticeHash   string `json:"notice_hash"`
			UserAgent    string `json:"user_agent"`
			IP           string `json:"ip"`
			Guardian     bool   `json:"guardian"`
		}
		if err := json.Unmarshal([]byte(data), &want); err != nil {
			t.Fatal(err)
		}
		got := want
		got.SubjectID, got.CookieID, got.Purpose, got.State, got.Source = b.SubjectID, b.CookieID, b.Purpose, b.State, b.Source
		got.Jurisdiction, got.NoticeHash, got.UserAgent, got.IP, got.Guardian = b.Jurisdiction, b.NoticeHash, b.UserAgent, b.IP, b.Guardian
		if got != want {
			t.Fatalf("%q decoded as %+v, encoding/json as %+v", data, got, want)
		}
	})
}
