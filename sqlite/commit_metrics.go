package sqlite

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// commitStats counts the committer's work: transactions committed and the
// Updates they carried. Their ratio is the mean batch size, the lever of
// write throughput (the cost of a commit is paid per batch, not per Update).
type commitStats struct {
	batches atomic.Uint64 // transactions the committer committed or rolled back
	updates atomic.Uint64 // Updates those transactions ran
}

func (c *commitStats) record(updates int) {
	c.batches.Add(1)
	c.updates.Add(uint64(updates))
}

// CommitStats returns how many transactions the committer has run and how
// many Updates they carried, since the store was opened.
func (s *Store) CommitStats() (batches, updates uint64) {
	return s.stats.batches.Load(), s.stats.updates.Load()
}

// commitCollector reports a store's commitStats to Prometheus. Each store's
// descriptors carry its db label as a constant, so the data and the key
// store register side by side.
type commitCollector struct {
	store            *Store
	batches, updates *prometheus.Desc
}

func newCommitCollector(s *Store, db string) commitCollector {
	labels := prometheus.Labels{"db": db}
	return commitCollector{store: s,
		batches: prometheus.NewDesc("privet_sqlite_commit_batches_total",
			"Transactions run by the SQLite group committer.", nil, labels),
		updates: prometheus.NewDesc("privet_sqlite_commit_updates_total",
			"Updates carried by those transactions; divided by the batches, the mean batch size.", nil, labels),
	}
}

func (c commitCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.batches
	ch <- c.updates
}

func (c commitCollector) Collect(ch chan<- prometheus.Metric) {
	b, u := c.store.CommitStats()
	ch <- prometheus.MustNewConstMetric(c.batches, prometheus.CounterValue, float64(b))
	ch <- prometheus.MustNewConstMetric(c.updates, prometheus.CounterValue, float64(u))
}

// Collector reports the data store's group commits (batches and the Updates
// they carried) to Prometheus, labelled db="data".
func (s *Store) Collector() prometheus.Collector { return newCommitCollector(s, "data") }

// Collector reports the key store's group commits, labelled db="keys".
func (k *KeyStore) Collector() prometheus.Collector { return newCommitCollector(k.st, "keys") }
