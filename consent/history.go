package consent

import (
	"context"

	"github.com/privet-dev/privet"
)

// Events returns a party's ledger in order: a subject's includes the events
// of every visitor linked to it. afterSeq pages; limit is capped at 1000.
func (s *Service) Events(ctx context.Context, tenantID string, who Party, afterSeq int64, limit int) ([]*privet.ConsentEvent, error) {
	q := privet.ConsentQuery{SubjectID: who.SubjectID, AfterSeq: afterSeq, Limit: limit}
	if who.SubjectID == "" {
		v, err := s.visitorIndex(tenantID, who.CookieID)
		if err != nil {
			return nil, err
		}
		q.Visitor = v
	}
	var evs []*privet.ConsentEvent
	err := s.Store.View(ctx, func(tx privet.Tx) error {
		if who.SubjectID != "" {
			if _, err := liveSubject(ctx, tx, tenantID, who.SubjectID); err != nil {
				return err
			}
		}
		var err error
		evs, err = tx.ConsentEvents(ctx, tenantID, q)
		return err
	})
	return evs, err
}
