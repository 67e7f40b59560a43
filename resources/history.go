package resources

import (
	"context"
	"strings"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/vault"
)

// HistoryQuery pages a resource's history.
type HistoryQuery struct {
	// Purpose is what the names are read for; required.
	Purpose string
	// After is the last seq of the previous page.
	After int64
	// Limit is the page size (default 100, at most MaxPage).
	Limit int
}

// Entry is one action on a resource.
type Entry struct {
	Seq       int64     `json:"seq"`
	Time      time.Time `json:"time"`
	Action    string    `json:"action"`
	SubjectID string    `json:"subject_id"`
	// Name is the actor's name when NameStatus is shown.
	Name       string `json:"name,omitempty"`
	NameStatus string `json:"name_status"`
}

// History is one page of a resource's history, oldest first.
type History struct {
	Resource string  `json:"resource"`
	Entries  []Entry `json:"entries"`
	// Next is the After of the next page; 0 on the last page.
	Next int64 `json:"next,omitempty"`
}

// History returns a page of who acted on the resource, when and how, with
// each actor's name read from the vault for q.Purpose (one audited read per
// person on the page). A resource the tenant has no event of is ENOTFOUND,
// like any object of another tenant: ids are the application's, and two
// tenants' resources of the same id never meet.
func (s *Service) History(ctx context.Context, actor privet.Actor, tenantID, resourceID string, q HistoryQuery) (*History, error) {
	if err := privet.CheckResourceID("id", resourceID); err != nil {
		return nil, err
	}
	if q.Limit == 0 {
		q.Limit = 100
	}
	if q.Limit < 0 || q.Limit > MaxPage {
		return nil, privet.FieldError("limit", "must be 1 to %d", MaxPage)
	}
	if q.After < 0 {
		return nil, privet.FieldError("after", "must not be negative")
	}
	pol, err := s.Vault.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if q.Purpose == "" {
		return nil, privet.FieldError("purpose", "is required: the names are read for a purpose")
	}
	if _, ok := pol.Purpose(q.Purpose); !ok {
		return nil, privet.FieldError("purpose", "the policy declares no such purpose")
	}
	var evs []*privet.AuditEvent
	err = s.Store.View(ctx, func(tx privet.Tx) error {
		evs, err = tx.AuditEvents(ctx, tenantID, privet.AuditQuery{Resource: resourceID, AfterSeq: q.After, Limit: q.Limit})
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 && q.After == 0 {
		return nil, privet.Errorf(privet.ENOTFOUND, "no history of this resource")
	}
	h := &History{Resource: resourceID, Entries: make([]Entry, 0, len(evs))}
	mayReadNames := pol.MayRead(q.Purpose, nameCategory)
	names := map[string]Entry{} // by subject: the name and its status
	for _, e := range evs {
		n, seen := names[e.SubjectID]
		if !seen {
			if n, err = s.name(ctx, actor, tenantID, e.SubjectID, q.Purpose, mayReadNames); err != nil {
				return nil, err
			}
			names[e.SubjectID] = n
		}
		h.Entries = append(h.Entries, Entry{Seq: e.Seq, Time: e.Time, Action: strings.TrimPrefix(e.Action, privet.ResourceAuditPrefix),
			SubjectID: e.SubjectID, Name: n.Name, NameStatus: n.NameStatus})
	}
	if len(evs) == q.Limit {
		h.Next = evs[len(evs)-1].Seq
	}
	return h, nil
}

// name reads a person's name for the purpose. A purpose that may not read
// names reads nothing: no decryption, no audited read.
func (s *Service) name(ctx context.Context, actor privet.Actor, tenantID, subjectID, purpose string, mayRead bool) (Entry, error) {
	if !mayRead {
		return Entry{NameStatus: NameWithheld}, nil
	}
	v, err := s.Vault.Get(ctx, actor, tenantID, subjectID, vault.ReadOptions{Purpose: purpose})
	switch privet.ErrorCode(err) {
	case "":
	case privet.ENOTFOUND:
		return Entry{NameStatus: NameErased}, nil
	case privet.EFORBIDDEN: // restricted, and the purpose may not run under restriction
		return Entry{NameStatus: NameWithheld}, nil
	default:
		return Entry{}, err
	}
	for _, f := range v.Fields {
		if f.Category == nameCategory || strings.HasPrefix(f.Category, nameCategory+".") {
			return Entry{Name: f.Value, NameStatus: NameShown}, nil
		}
	}
	return Entry{NameStatus: NameUnknown}, nil
}
