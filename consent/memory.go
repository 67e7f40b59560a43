package consent

import (
	"math"
	"slices"
	"sync"
	"time"

	"github.com/privet-dev/privet"
)

// memory is the decision index: per tenant, the latest choice per party and
// purpose. Applying an event is idempotent and order-free (the higher Seq
// wins), so the events of a load, of this server's writes and of other
// servers' notifications may arrive in any order, more than once.
//
// It is laid out for ledgers of millions of events: small structs of fixed
// size, strings that repeat (purposes, policy versions, places) held once
// per tenant and named by number, and a party's choices in a short slice
// rather than a map of their own (see BENCHMARKS.md for bytes per choice).
type memory struct {
	mu     sync.RWMutex
	loaded bool
	// readThrough is the seq the ledger has been read through: every event
	// up to it is applied. Only reads of the ledger move it; an event
	// applied from a notification (or a local write) may lie beyond an
	// older one still in flight, which the next read must not step over.
	readThrough int64
	tenants     map[string]*ledger
}

type ledger struct {
	subjects map[string]*party
	visitors map[string]*party // by the visitor's blind index
	links    map[string]string // visitor blind index -> subject id
	names    names
}

// party is what memory holds of one subject or visitor.
type party struct {
	choices []choice // the latest per purpose, in no order: a person has few
	// placeSeq and place are the jurisdiction of the latest event that
	// named one: a visitor's only clue to the law that applies; placeAt is
	// that event's second (see second).
	placeSeq int64
	place    uint32
	placeAt  uint32
	// gpc and dnt are when the latest Global Privacy Control and Do Not
	// Track signals were recorded (see second), 0 for never: a visitor's
	// signal counts only while retention keeps its event.
	gpc uint32
	dnt uint32
	// profile is a subject's attributes as last read from the store.
	profile profile
}

// choice is the latest event for one purpose.
type choice struct {
	seq     int64
	at      int64  // Unix nanoseconds
	purpose uint32 // in the ledger's names
	// version is the hash of the policy the choice was made under, in names.
	version  uint32
	state    stateCode
	guardian bool
}

// profile is a subject's attributes as the decision rules need them.
type profile struct {
	read    int64 // Unix nanoseconds; 0 for never read, or forgotten
	place   uint32
	status  uint32
	ageBand uint32
}

// names holds once each string that repeats across a tenant's entries and
// numbers it: a million choices then carry four bytes for their purpose,
// not a string each. 0 is the empty string.
type names struct {
	list []string
	ids  map[string]uint32
}

// id returns the number of s, adding it on first sight.
func (n *names) id(s string) uint32 {
	if s == "" {
		return 0
	}
	if id, ok := n.ids[s]; ok {
		return id
	}
	if n.ids == nil {
		n.ids, n.list = map[string]uint32{}, []string{""}
	}
	id := uint32(len(n.list))
	n.list = append(n.list, s)
	n.ids[s] = id
	return id
}

// find returns the number of s without adding it.
func (n *names) find(s string) (uint32, bool) {
	if s == "" {
		return 0, true
	}
	id, ok := n.ids[s]
	return id, ok
}

func (n *names) name(id uint32) string {
	if id == 0 || int(id) >= len(n.list) {
		return ""
	}
	return n.list[id]
}

// stateCode is a consent state in one byte.
type stateCode uint8

var stateCodes = []privet.ConsentState{"", privet.StateGiven, privet.StateRefused, privet.StateWithdrawn,
	privet.StateExpired, privet.StateNeedsRenewal, privet.StateLinked}

func codeOf(s privet.ConsentState) stateCode { return stateCode(max(slices.Index(stateCodes, s), 0)) }

func (c stateCode) state() privet.ConsentState { return stateCodes[c] }

func (m *memory) ledger(tenantID string) *ledger {
	if m.tenants == nil {
		m.tenants = map[string]*ledger{}
	}
	l := m.tenants[tenantID]
	if l == nil {
		l = &ledger{subjects: map[string]*party{}, visitors: map[string]*party{}, links: map[string]string{}}
		m.tenants[tenantID] = l
	}
	return l
}

// apply adds e to the index; the caller holds the write lock. For a link,
// cutoff is the policy's VisitorCutoff at the link's time: the visitor's
// choices and signals from before it had expired (retention deletes them)
// and do not join the subject's. It is the same on every server and after a
// restart, whether the sweep has deleted them yet or not.
func (m *memory) apply(e *privet.ConsentEvent, cutoff int64) {
	l := m.ledger(e.TenantID)
	visitor := string(e.Visitor)
	switch {
	case e.State == privet.StateLinked:
		l.links[visitor] = e.SubjectID
		sub := l.party(l.subjects, e.SubjectID)
		if v := l.visitors[visitor]; v != nil {
			sub.merge(v, cutoff)
		}
	case e.SubjectID != "":
		l.party(l.subjects, e.SubjectID).apply(&l.names, e)
	default:
		l.party(l.visitors, visitor).apply(&l.names, e)
		if sub, ok := l.links[visitor]; ok {
			l.party(l.subjects, sub).apply(&l.names, e)
		}
	}
}

func (l *ledger) party(m map[string]*party, key string) *party {
	p := m[key]
	if p == nil {
		p = &party{}
		m[key] = p
	}
	return p
}

// setProfile keeps a subject's attributes as read at now.
func (l *ledger) setProfile(subjectID string, sub *privet.Subject, now time.Time) profile {
	prof := profile{read: now.UnixNano(), place: l.names.id(sub.Jurisdiction), status: l.names.id(string(sub.Status)),
		ageBand: l.names.id(sub.AgeBand)}
	l.party(l.subjects, subjectID).profile = prof
	return prof
}

// setMissing remembers that no live subject has the id, as read at now.
func (l *ledger) setMissing(subjectID string, now time.Time) {
	l.party(l.subjects, subjectID).profile = profile{read: now.UnixNano(), status: l.names.id(string(privet.StatusErased))}
}

func (p *party) apply(n *names, e *privet.ConsentEvent) {
	switch e.Source {
	case privet.SourceGPC:
		p.gpc = max(p.gpc, second(e.Time))
	case privet.SourceDNT:
		p.dnt = max(p.dnt, second(e.Time))
	}
	if e.Jurisdiction != "" && e.Seq > p.placeSeq {
		p.place, p.placeSeq, p.placeAt = n.id(e.Jurisdiction), e.Seq, second(e.Time)
	}
	if e.Purpose == "" {
		return
	}
	p.set(choice{seq: e.Seq, at: e.Time.UnixNano(), purpose: n.id(e.Purpose), version: n.id(e.PolicyVersion),
		state: codeOf(e.State), guardian: e.Guardian})
}

// set keeps c unless a later choice for its purpose is held. The slice
// grows by one: a person's purposes are few, and spare capacity in millions
// of slices would cost more than the copies.
func (p *party) set(c choice) {
	for i := range p.choices {
		if p.choices[i].purpose == c.purpose {
			if p.choices[i].seq < c.seq {
				p.choices[i] = c
			}
			return
		}
	}
	grown := make([]choice, len(p.choices)+1)
	copy(grown, p.choices)
	grown[len(p.choices)] = c
	p.choices = grown
}

// choice returns the latest choice for a purpose.
func (p *party) choice(purpose uint32) (choice, bool) {
	if p == nil {
		return choice{}, false
	}
	for _, c := range p.choices {
		if c.purpose == purpose {
			return c, true
		}
	}
	return choice{}, false
}

// merge joins a visitor's history into a subject's: per purpose the later
// choice wins, and a GPC signal seen for either counts for both. What the
// visitor did before cutoff (see memory.apply) is left out.
func (p *party) merge(v *party, cutoff int64) {
	if keptSecond(v.gpc, cutoff) {
		p.gpc = max(p.gpc, v.gpc)
	}
	if keptSecond(v.dnt, cutoff) {
		p.dnt = max(p.dnt, v.dnt)
	}
	for _, c := range v.choices {
		if visitorKept(c.at, cutoff) {
			p.set(c)
		}
	}
	if p.place == 0 && keptSecond(v.placeAt, cutoff) {
		p.place, p.placeSeq, p.placeAt = v.place, v.placeSeq, v.placeAt
	}
}

// second is the Unix second of an event's time, at least 1 so that 0 means
// none; four bytes hold it until 2106, where it saturates.
func second(t time.Time) uint32 {
	return uint32(min(max(t.Unix(), 1), math.MaxUint32))
}

// visitorKept reports whether a visitor's event at (Unix nanoseconds) is
// still kept under cutoff, the policy's VisitorCutoff: 0 keeps everything.
func visitorKept(at, cutoff int64) bool { return at >= cutoff }

// keptSecond reports whether a visitor's event recorded at second sec (0
// for none) is still kept under cutoff. The cutoff is a whole second, so an
// event's second is before it exactly when the event is.
func keptSecond(sec uint32, cutoff int64) bool {
	return sec != 0 && visitorKept(int64(sec)*int64(time.Second), cutoff)
}
