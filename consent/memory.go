package consent

import (
	"sync"
	"time"

	"github.com/privet-dev/privet"
)

// memory is the decision index: per tenant, the latest choice per party and
// purpose. Applying an event is idempotent and order-free (the higher Seq
// wins), so the events of a load, of this server's writes and of other
// servers' notifications may arrive in any order, more than once.
type memory struct {
	mu      sync.RWMutex
	loaded  bool
	lastSeq int64
	tenants map[string]*ledger
}

type ledger struct {
	subjects map[string]*party
	visitors map[string]*party  // by the visitor's blind index
	links    map[string]string  // visitor blind index -> subject id
	profiles map[string]profile // subject attributes the rules need
}

// party is what the ledger says of one subject or visitor.
type party struct {
	choices map[string]choice // by purpose
	gpc     bool              // a Global Privacy Control signal was seen
	dnt     bool              // a Do Not Track signal was recorded
	// place is the jurisdiction of the latest event that named one: a
	// visitor's only clue to the law that applies.
	place    string
	placeSeq int64
}

// choice is the latest event for one purpose.
type choice struct {
	state    privet.ConsentState
	seq      int64
	at       time.Time
	guardian bool
	// version is the hash of the policy the choice was made under.
	version string
}

// profile is a subject's attributes as last read from the store.
type profile struct {
	place   string
	status  privet.SubjectStatus
	ageBand string
	read    time.Time
}

func (m *memory) ledger(tenantID string) *ledger {
	if m.tenants == nil {
		m.tenants = map[string]*ledger{}
	}
	l := m.tenants[tenantID]
	if l == nil {
		l = &ledger{subjects: map[string]*party{}, visitors: map[string]*party{}, links: map[string]string{}, profiles: map[string]profile{}}
		m.tenants[tenantID] = l
	}
	return l
}

// apply adds e to the index; the caller holds the write lock.
func (m *memory) apply(e *privet.ConsentEvent) {
	m.lastSeq = max(m.lastSeq, e.Seq)
	l := m.ledger(e.TenantID)
	visitor := string(e.Visitor)
	switch {
	case e.State == privet.StateLinked:
		l.links[visitor] = e.SubjectID
		sub := l.party(l.subjects, e.SubjectID)
		if v := l.visitors[visitor]; v != nil {
			sub.merge(v)
		}
	case e.SubjectID != "":
		l.party(l.subjects, e.SubjectID).apply(e)
	default:
		l.party(l.visitors, visitor).apply(e)
		if sub, ok := l.links[visitor]; ok {
			l.party(l.subjects, sub).apply(e)
		}
	}
}

func (l *ledger) party(m map[string]*party, key string) *party {
	p := m[key]
	if p == nil {
		p = &party{choices: map[string]choice{}}
		m[key] = p
	}
	return p
}

func (p *party) apply(e *privet.ConsentEvent) {
	switch e.Source {
	case privet.SourceGPC:
		p.gpc = true
	case privet.SourceDNT:
		p.dnt = true
	}
	if e.Jurisdiction != "" && e.Seq > p.placeSeq {
		p.place, p.placeSeq = e.Jurisdiction, e.Seq
	}
	if e.Purpose == "" {
		return
	}
	if c, ok := p.choices[e.Purpose]; ok && c.seq >= e.Seq {
		return
	}
	p.choices[e.Purpose] = choice{state: e.State, seq: e.Seq, at: e.Time, guardian: e.Guardian, version: e.PolicyVersion}
}

// merge joins a visitor's history into a subject's: per purpose the later
// choice wins, and a GPC signal seen for either counts for both.
func (p *party) merge(v *party) {
	p.gpc = p.gpc || v.gpc
	p.dnt = p.dnt || v.dnt
	for purpose, c := range v.choices {
		if old, ok := p.choices[purpose]; !ok || old.seq < c.seq {
			p.choices[purpose] = c
		}
	}
	if p.place == "" {
		p.place, p.placeSeq = v.place, v.placeSeq
	}
}
