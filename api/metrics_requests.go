package api

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/jurisdiction"
)

// dueSoonWindow is what "due soon" means on /metrics.
const dueSoonWindow = 7 * 24 * time.Hour

// requestDeadlines exports, at scrape time, how many open requests are
// overdue and due within a week, per request type over every tenant: a
// bounded label set with no tenant or person in it.
type requestDeadlines struct {
	store   privet.Store
	clock   privet.Clock
	overdue *prometheus.Desc
	dueSoon *prometheus.Desc
}

func newRequestDeadlines(store privet.Store, clock privet.Clock) *requestDeadlines {
	return &requestDeadlines{store: store, clock: clock,
		overdue: prometheus.NewDesc("privet_requests_overdue", "Open data-subject requests past their due date, by type.", []string{"type"}, nil),
		dueSoon: prometheus.NewDesc("privet_requests_due_soon", "Open data-subject requests due within seven days, by type.", []string{"type"}, nil),
	}
}

func (c *requestDeadlines) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.overdue
	ch <- c.dueSoon
}

func (c *requestDeadlines) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	now := c.clock.Now()
	var counts []privet.RequestDueCount
	if err := c.store.View(ctx, func(tx privet.Tx) (err error) {
		counts, err = tx.RequestDueCounts(ctx, now, now.Add(dueSoonWindow))
		return err
	}); err != nil {
		ch <- prometheus.NewInvalidMetric(c.overdue, err)
		return
	}
	// Every type is exported, zero included, so an alert sees "none
	// overdue" rather than no series at all.
	byType := map[string]privet.RequestDueCount{}
	for _, n := range counts {
		byType[n.Type] = n
	}
	for _, r := range jurisdiction.AllRights() {
		if r == jurisdiction.RightComplaint {
			continue
		}
		n := byType[string(r)]
		ch <- prometheus.MustNewConstMetric(c.overdue, prometheus.GaugeValue, float64(n.Overdue), string(r))
		ch <- prometheus.MustNewConstMetric(c.dueSoon, prometheus.GaugeValue, float64(n.DueSoon), string(r))
	}
}
