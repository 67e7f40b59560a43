package policy

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/privet-dev/privet/deadline"
	"github.com/privet-dev/privet/jurisdiction"
	"github.com/privet-dev/privet/taxonomy"
)

// Compiled is a validated policy with the lookups the engine makes on every
// read, consent decision and request. It is immutable once built and safe
// for concurrent use.
type Compiled struct {
	Policy *Policy
	// Taxonomy is the fideslang taxonomy plus the policy's own extensions.
	Taxonomy *taxonomy.Taxonomy
	// Hash is the SHA-256 (hex) of the source bytes: it names this exact
	// version in consent records and audit events.
	Hash string
	// Effective is the parsed effective date (UTC midnight).
	Effective time.Time

	categories map[string]*Category
	purposes   map[string]*Purpose
	recipients map[string]*Recipient
	laws       *lawCache
	// visitorCut is the cutoff of visitors' consent events at the second
	// it was last computed (see VisitorCutoff).
	visitorCut atomic.Pointer[visitorCut]
}

// lawCache remembers jurisdiction lookups: the engine resolves a person's
// place on every consent decision, and a lookup copies the law. It holds at
// most lawCacheSize places, so arbitrary input cannot grow it without bound.
type lawCache struct {
	mu sync.RWMutex
	m  map[string]*jurisdiction.Law // nil value: the place has no known law
}

const lawCacheSize = 4096

func (lc *lawCache) lookup(place string) *jurisdiction.Law {
	lc.mu.RLock()
	law, hit := lc.m[place]
	lc.mu.RUnlock()
	if hit {
		return law
	}
	law, ok := jurisdiction.Lookup(place)
	if !ok {
		law = nil
	}
	lc.mu.Lock()
	if len(lc.m) < lawCacheSize {
		lc.m[place] = law
	}
	lc.mu.Unlock()
	return law
}

// compile indexes p. Duplicate keys keep the first entry; validation reports
// the duplicates.
func compile(p *Policy) *Compiled {
	c := &Compiled{
		Policy:     p,
		Taxonomy:   taxonomy.Default(),
		categories: make(map[string]*Category, len(p.Categories)),
		purposes:   make(map[string]*Purpose, len(p.Purposes)),
		recipients: make(map[string]*Recipient, len(p.Recipients)),
		laws:       &lawCache{m: map[string]*jurisdiction.Law{}},
	}
	c.Effective, _ = time.Parse(time.DateOnly, p.Effective)
	for i := range p.Categories {
		if _, dup := c.categories[p.Categories[i].Key]; !dup {
			c.categories[p.Categories[i].Key] = &p.Categories[i]
		}
	}
	for i := range p.Purposes {
		if _, dup := c.purposes[p.Purposes[i].Key]; !dup {
			c.purposes[p.Purposes[i].Key] = &p.Purposes[i]
		}
	}
	for i := range p.Recipients {
		if _, dup := c.recipients[p.Recipients[i].Key]; !dup {
			c.recipients[p.Recipients[i].Key] = &p.Recipients[i]
		}
	}
	return c
}

// Category returns the declared category with key.
func (c *Compiled) Category(key string) (*Category, bool) {
	cat, ok := c.categories[key]
	return cat, ok
}

// Purpose returns the declared purpose with key.
func (c *Compiled) Purpose(key string) (*Purpose, bool) {
	p, ok := c.purposes[key]
	return p, ok
}

// Recipient returns the declared recipient with key.
func (c *Compiled) Recipient(key string) (*Recipient, bool) {
	r, ok := c.recipients[key]
	return r, ok
}

// Collects reports whether the service collects category: it is declared, or
// falls under a declared category (declaring "user.contact" collects
// "user.contact.email").
func (c *Compiled) Collects(category string) bool {
	_, ok := c.declaredFor(category)
	return ok
}

// declaredFor returns the declared category that covers key: key itself or
// its nearest declared ancestor.
func (c *Compiled) declaredFor(key string) (*Category, bool) {
	for k := key; k != ""; k = taxonomy.ParentKey(k) {
		if cat, ok := c.categories[k]; ok {
			return cat, true
		}
	}
	return nil, false
}

// MayRead reports whether purpose may read category: the purpose lists the
// category or one of its ancestors, and the service collects it.
func (c *Compiled) MayRead(purpose, category string) bool {
	p, ok := c.purposes[purpose]
	if !ok || !c.Collects(category) {
		return false
	}
	for _, listed := range p.Categories {
		if underKey(category, listed) {
			return true
		}
	}
	return false
}

// underKey reports whether key is ancestor or below it, by dotted segments:
// policy extensions and fideslang keys both follow the dotted form.
func underKey(key, ancestor string) bool {
	return key == ancestor || (strings.HasPrefix(key, ancestor) && key[len(ancestor)] == '.')
}

// Law returns the law that applies in place, nil when privet knows none.
// The Law is shared: callers must not change it.
func (c *Compiled) Law(place string) *jurisdiction.Law {
	return c.laws.lookup(place)
}

// placeKeys lists the per-jurisdiction map keys that may apply to place, most
// specific first: the place as written, the key of its law ("DE" -> "EU"),
// its country ("US-NY" -> "US"), then "*".
func (c *Compiled) placeKeys(place string) []string {
	keys := []string{place}
	if law := c.Law(place); law != nil && law.Key != place {
		keys = append(keys, law.Key)
	}
	if country, _, found := strings.Cut(place, "-"); found && !slices.Contains(keys, country) {
		keys = append(keys, country)
	}
	return append(keys, Wildcard)
}

func (c *Compiled) resolve(m map[string]string, place string) string {
	for _, k := range c.placeKeys(place) {
		if v, ok := m[k]; ok {
			return v
		}
	}
	return ""
}

// Basis returns purpose's lawful basis in place, "" when it has none there
// (or the purpose is not declared): the purpose may not run there.
func (c *Compiled) Basis(purpose, place string) string {
	p, ok := c.purposes[purpose]
	if !ok {
		return ""
	}
	return c.resolve(p.Basis, place)
}

// Mechanism returns how consent works for purpose in place: opt_in, opt_out
// or notice. The policy's choice applies, defaulting to opt_in where the
// basis is consent and notice otherwise; where the law requires opt-in for
// the purpose, opt_in wins over anything weaker. "" when the purpose is not
// declared.
func (c *Compiled) Mechanism(purpose, place string) string {
	p, ok := c.purposes[purpose]
	if !ok {
		return ""
	}
	m := c.resolve(p.Consent, place)
	if m == "" {
		m = Notice
		if c.resolve(p.Basis, place) == BasisConsent {
			m = OptIn
		}
	}
	if law := c.Law(place); law != nil && law.NeedsOptIn(purpose) {
		m = OptIn
	}
	return m
}

// Rights returns the rights a person in place holds: the law's, plus what the
// policy grants there and to everyone. The law's come first, in its order.
func (c *Compiled) Rights(place string) []jurisdiction.Right {
	var rights []jurisdiction.Right
	if law := c.Law(place); law != nil {
		rights = append(rights, law.Rights...)
	}
	for _, k := range c.placeKeys(place) {
		for _, r := range c.Policy.Rights.Grant[k] {
			if right := jurisdiction.Right(r); !slices.Contains(rights, right) {
				rights = append(rights, right)
			}
		}
	}
	return rights
}

// ResponseDeadline returns the time allowed to answer a request of
// requestType from place: the stricter of the law's deadline and the
// policy's promise for that type (or its "default"). Zero when neither sets
// one.
func (c *Compiled) ResponseDeadline(place, requestType string) deadline.Period {
	var law deadline.Period
	if l := c.Law(place); l != nil {
		law = l.Response
	}
	promise := c.promisedResponse(requestType)
	switch {
	case promise.IsZero():
		return law
	case law.IsZero():
		return promise
	}
	return deadline.Earlier(c.Effective, law, promise, deadline.NoHolidays{})
}

func (c *Compiled) promisedResponse(requestType string) deadline.Period {
	s, ok := c.Policy.ResponseTimes[requestType]
	if !ok {
		s = c.Policy.ResponseTimes["default"]
	}
	p, err := deadline.ParsePeriod(s)
	if err != nil {
		return deadline.Period{}
	}
	return p
}

// Sensitive reports whether category is sensitive: it, or the declared
// category that covers it, is marked sensitive.
func (c *Compiled) Sensitive(category string) bool {
	cat, ok := c.declaredFor(category)
	return ok && cat.Sensitive
}

// MaskFor returns the display mask of category ("" for none), inherited from
// the declared category that covers it.
func (c *Compiled) MaskFor(category string) string {
	cat, ok := c.declaredFor(category)
	if !ok {
		return ""
	}
	return cat.Mask
}

// AllowedWhileRestricted reports whether purpose may still run for a subject
// whose processing is restricted (e.g. to defend legal claims).
func (c *Compiled) AllowedWhileRestricted(purpose string) bool {
	p, ok := c.purposes[purpose]
	return ok && p.WhileRestricted
}

// RetentionFor returns the retention rules that cover category, directly or
// through an ancestor, or through a purpose that may read it.
func (c *Compiled) RetentionFor(category string) []RetentionRule {
	var rules []RetentionRule
	for _, r := range c.Policy.Retention.Rules {
		if c.ruleCovers(r, category) {
			rules = append(rules, r)
		}
	}
	return rules
}

func (c *Compiled) ruleCovers(r RetentionRule, category string) bool {
	for _, k := range r.Categories {
		if underKey(category, k) || underKey(k, category) {
			return true
		}
	}
	for _, p := range r.Purposes {
		if c.MayRead(p, category) {
			return true
		}
	}
	return false
}
