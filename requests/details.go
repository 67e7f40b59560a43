package requests

import (
	"encoding/json"
	"time"

	"github.com/privet-dev/privet"
)

// details is the non-personal state of a request kept in Request.Details:
// decisions, what execution did, what was kept and why. It never holds a
// value: corrections and contacts are sealed apart.
type details struct {
	// Client is the processor client key the filer named.
	Client string `json:"client,omitempty"`
	// B2B marks business contact data of an employee acting in their job.
	B2B bool `json:"b2b,omitempty"`
	// Approved, Confirmed: the steps a request passed.
	Approved  bool `json:"approved,omitempty"`
	Confirmed bool `json:"confirmed,omitempty"`
	// ResumeTo is the status a request waiting for information returns to.
	ResumeTo privet.RequestStatus `json:"resume_to,omitempty"`
	// Scope narrows an access request whose requester was not verified to
	// the degree the law asks for specific pieces: "categories".
	Scope string `json:"scope,omitempty"`
	// MergedInto names the open request this one duplicated.
	MergedInto string `json:"merged_into,omitempty"`
	// Purposes are the purposes a consent request covers ("" for all).
	Purposes []string `json:"purposes,omitempty"`
	// Corrected names the fields a rectification changed.
	Corrected []string `json:"corrected,omitempty"`
	// Categories limit an erasure to these categories; the account stays.
	Categories []string `json:"categories,omitempty"`
	// SendTo says a portability request names a controller to send the
	// data to (who, is sealed with the request's payload); SentAt is when
	// the download link went to it.
	SendTo bool       `json:"send_to,omitempty"`
	SentAt *time.Time `json:"sent_at,omitempty"`

	PackageID      string                  `json:"package_id,omitempty"`
	PackageExpires *time.Time              `json:"package_expires,omitempty"`
	Erasure        []*privet.ErasureReport `json:"erasure,omitempty"`
	Report         *KnowReport             `json:"report,omitempty"`
	// Tasks records the execution steps done, so a rerun skips them.
	Tasks []string `json:"tasks,omitempty"`
}

func readDetails(r *privet.Request) details {
	var d details
	if len(r.Details) > 0 {
		// Written only by this package; a decode error leaves it empty
		// rather than failing a request on its bookkeeping.
		_ = json.Unmarshal(r.Details, &d)
	}
	return d
}

func writeDetails(r *privet.Request, d details) {
	b, err := json.Marshal(d)
	if err != nil {
		panic("requests: details do not encode: " + err.Error())
	}
	r.Details = b
}

func (d *details) done(task string) bool {
	for _, t := range d.Tasks {
		if t == task {
			return true
		}
	}
	return false
}
