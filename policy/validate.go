package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/deadline"
	"github.com/privet-dev/privet/jurisdiction"
	"github.com/privet-dev/privet/taxonomy"
)

// validator collects every semantic problem of a decoded policy, each at the
// position the decoder recorded for its field path.
type validator struct {
	c         *Compiled
	p         *Policy
	positions map[string]position
	problems  []Problem
	storage   []string // countries data is stored in
}

// validate checks c.Policy beyond its shape, and extends c.Taxonomy with the
// policy's own keys (which later checks rely on).
func validate(c *Compiled, positions map[string]position) []Problem {
	v := &validator{c: c, p: c.Policy, positions: positions}
	v.header()
	v.extendTaxonomy()
	v.storageLocations()
	v.categories()
	v.purposes()
	v.recipients()
	v.retention()
	v.children()
	v.rights()
	v.responseTimes()
	v.cookies()
	v.notices()
	return v.problems
}

// add records a problem at path, positioned at the nearest field written in
// the file: a missing field points at its parent.
func (v *validator) add(path, format string, args ...any) {
	pos := v.position(path)
	v.problems = append(v.problems, Problem{Path: path, Line: pos.line, Column: pos.column, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) position(path string) position {
	for p := path; ; {
		if pos, ok := v.positions[p]; ok {
			return pos
		}
		if p == "" {
			return position{1, 1}
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			p = ""
		} else {
			p = p[:i]
		}
	}
}

func (v *validator) required(path, value string) bool {
	if strings.TrimSpace(value) == "" {
		v.add(path, "is required")
		return false
	}
	return true
}

func (v *validator) enum(path, name, value string) {
	if value != "" && !inEnum(name, value) {
		v.add(path, "%q is not one of %s", clip(value), strings.Join(enums()[name], ", "))
	}
}

func (v *validator) requiredEnum(path, name, value string) {
	if v.required(path, value) {
		v.enum(path, name, value)
	}
}

func (v *validator) period(path, value string) (deadline.Period, bool) {
	if value == "" {
		return deadline.Period{}, false
	}
	p, err := deadline.ParsePeriod(value)
	if err != nil {
		v.add(path, "%s", privet.ErrorMessage(err))
		return deadline.Period{}, false
	}
	return p, true
}

// unique reports each repeated value of a list at its second occurrence.
func (v *validator) unique(path string, values []string) {
	seen := map[string]int{}
	for i, s := range values {
		if first, dup := seen[s]; dup && s != "" {
			v.add(fmt.Sprintf("%s[%d]", path, i), "duplicate %q (also at %s[%d])", clip(s), path, first)
			continue
		}
		seen[s] = i
	}
}

// place checks a jurisdiction key of the policy: a law privet knows, or "*"
// where wildcard is allowed.
func (v *validator) place(path, key string, wildcard bool) {
	if key == Wildcard && wildcard {
		return
	}
	if v.c.Law(key) == nil {
		var known []string
		for _, k := range jurisdiction.Keys() {
			if v.c.Law(k) != nil { // the table also holds laws that apply only alongside others
				known = append(known, k)
			}
		}
		if wildcard {
			known = append(known, Wildcard)
		}
		v.add(path, "unknown jurisdiction %q: use a country or subdivision code, or one of %s", clip(key), strings.Join(known, ", "))
	}
}

func (v *validator) header() {
	v.required("version", v.p.Version)
	if v.required("effective", v.p.Effective) {
		if _, err := time.Parse(time.DateOnly, v.p.Effective); err != nil {
			v.add("effective", "want a date as YYYY-MM-DD")
		}
	}
	v.required("service", v.p.Service)
	v.required("controller.name", v.p.Controller.Name)
	v.required("controller.email", v.p.Controller.Email)
	if r := v.p.Controller.Representative; r != nil {
		v.required("controller.representative.name", r.Name)
	}
	if d := v.p.Controller.DPO; d != nil {
		v.required("controller.dpo.name", d.Name)
	}
	v.requiredEnum("role", "role", v.p.Role)
	if v.p.Role == "processor" && len(v.p.Clients) == 0 {
		v.add("clients", "a processor must list the clients it processes data for")
	}
	keys := make([]string, len(v.p.Clients))
	for i, cl := range v.p.Clients {
		path := fmt.Sprintf("clients[%d]", i)
		v.required(path+".key", cl.Key)
		v.required(path+".name", cl.Name)
		v.required(path+".email", cl.Email)
		keys[i] = cl.Key
	}
	v.unique("clients", keys)
	if len(v.p.Jurisdictions) == 0 {
		v.add("jurisdictions", "list at least one jurisdiction the service is offered in")
	}
	for i, j := range v.p.Jurisdictions {
		v.place(fmt.Sprintf("jurisdictions[%d]", i), j, false)
	}
	v.unique("jurisdictions", v.p.Jurisdictions)
}

func (v *validator) extendTaxonomy() {
	for _, tree := range []struct {
		name    string
		kind    taxonomy.Kind
		entries []TaxonomyEntry
	}{
		{"taxonomy.categories", taxonomy.Category, v.p.Taxonomy.Categories},
		{"taxonomy.purposes", taxonomy.Use, v.p.Taxonomy.Purposes},
	} {
		for i, e := range tree.entries {
			path := fmt.Sprintf("%s[%d]", tree.name, i)
			v.required(path+".name", e.Name)
			if !v.required(path+".key", e.Key) {
				continue
			}
			err := v.c.Taxonomy.Add(tree.kind, taxonomy.Entry{Key: e.Key, Name: e.Name, Description: e.Description})
			if err != nil {
				v.add(path+".key", "%s", privet.ErrorMessage(err))
			}
		}
	}
}

func (v *validator) storageLocations() {
	if len(v.p.Storage) == 0 {
		v.add("storage", "list at least one place data is stored")
	}
	for i, s := range v.p.Storage {
		path := fmt.Sprintf("storage[%d].country", i)
		if v.required(path, s.Country) && !jurisdiction.ValidPlace(s.Country) {
			v.add(path, "want an ISO 3166 country code such as US or DE")
		}
		v.storage = append(v.storage, s.Country)
	}
	v.unique("storage", v.storage)
}

// category checks a reference to a collected category.
func (v *validator) collected(path, key string) {
	switch {
	case key == "":
		v.add(path, "is required")
	case !v.c.Taxonomy.Has(taxonomy.Category, key):
		v.add(path, "unknown data category %q: not in the taxonomy or the policy's taxonomy.categories", clip(key))
	case !v.c.Collects(key):
		v.add(path, "data category %q is not collected: declare it (or a parent) under categories", clip(key))
	}
}

func (v *validator) declaredPurpose(path, key string) {
	if _, ok := v.c.purposes[key]; !ok {
		v.add(path, "purpose %q is not declared under purposes", clip(key))
	}
}

func (v *validator) categories() {
	if len(v.p.Categories) == 0 {
		v.add("categories", "declare at least one data category")
	}
	keys := make([]string, len(v.p.Categories))
	for i, cat := range v.p.Categories {
		path := fmt.Sprintf("categories[%d]", i)
		keys[i] = cat.Key
		if v.required(path+".key", cat.Key) && !v.c.Taxonomy.Has(taxonomy.Category, cat.Key) {
			v.add(path+".key", "unknown data category %q: not in the taxonomy or the policy's taxonomy.categories", clip(cat.Key))
		}
		if len(cat.Sources) == 0 {
			v.add(path+".sources", "list where the data comes from (%s)", strings.Join(enums()["source"], ", "))
		}
		for j, s := range cat.Sources {
			v.enum(fmt.Sprintf("%s.sources[%d]", path, j), "source", s)
		}
		v.unique(path+".sources", cat.Sources)
		v.enum(path+".mask", "mask", cat.Mask)
		// The vault asks for a required category when a subject is created,
		// so whoever creates it must be able to give it.
		if cat.Required && len(cat.Sources) > 0 && !slices.ContainsFunc(cat.Sources, func(s string) bool { return s != "automatic" }) {
			v.add(path+".required", "a required category must be given when a subject is created, but its only source is automatic")
		}
	}
	v.unique("categories", keys)
	keys = keys[:0]
	for _, e := range v.p.Taxonomy.Categories {
		keys = append(keys, e.Key)
	}
	v.unique("taxonomy.categories", keys)
}

func (v *validator) purposes() {
	if len(v.p.Purposes) == 0 {
		v.add("purposes", "declare at least one purpose")
	}
	keys := make([]string, len(v.p.Purposes))
	for i := range v.p.Purposes {
		v.purpose(i)
		keys[i] = v.p.Purposes[i].Key
	}
	v.unique("purposes", keys)
}

func (v *validator) purpose(i int) {
	p := &v.p.Purposes[i]
	path := fmt.Sprintf("purposes[%d]", i)
	if v.required(path+".key", p.Key) && !v.c.Taxonomy.Has(taxonomy.Use, p.Key) {
		v.add(path+".key", "unknown purpose %q: not a taxonomy data use or one of the policy's taxonomy.purposes", clip(p.Key))
	}
	v.required(path+".description", p.Description)
	if len(p.Categories) == 0 {
		v.add(path+".categories", "list the data categories the purpose reads")
	}
	for j, cat := range p.Categories {
		v.collected(fmt.Sprintf("%s.categories[%d]", path, j), cat)
	}
	v.unique(path+".categories", p.Categories)

	if len(p.Basis) == 0 {
		v.add(path+".basis", "give a lawful basis per jurisdiction (or \"*\" for all)")
	}
	for _, k := range sortedKeys(p.Basis) {
		v.place(path+".basis."+k, k, true)
		v.requiredEnum(path+".basis."+k, "basis", p.Basis[k])
	}
	for _, k := range sortedKeys(p.Consent) {
		v.place(path+".consent."+k, k, true)
		v.requiredEnum(path+".consent."+k, "mechanism", p.Consent[k])
	}
	if len(p.Basis) > 0 {
		for j, place := range v.p.Jurisdictions {
			if v.c.Law(place) != nil && v.c.resolve(p.Basis, place) == "" {
				v.add(path+".basis", "no lawful basis for %s (jurisdictions[%d]): add %q or \"*\"", place, j, place)
			}
		}
	}
	for _, place := range v.servedAndNamed(p) {
		if v.c.resolve(p.Basis, place) == BasisConsent && v.c.resolve(p.Consent, place) == Notice {
			v.add(path+".consent", "basis is consent in %s, so the mechanism there must be opt_in or opt_out, not notice", place)
		}
	}
	if len(p.Withdraw) == 0 {
		for _, place := range v.servedAndNamed(p) {
			if m := v.c.Mechanism(p.Key, place); m == OptIn || m == OptOut {
				v.add(path+".withdraw", "the purpose is %s in %s: list how people withdraw (%s)", m, place, strings.Join(enums()["withdraw"], ", "))
				break
			}
		}
	}
	if p.Sale || p.Sharing || p.TargetedAds {
		// Laws that let people opt out of sale, sharing or targeted ads
		// make "notice" (no choice) unlawful for such a purpose.
		for _, place := range v.p.Jurisdictions {
			law := v.c.Law(place)
			if law == nil || v.c.Mechanism(p.Key, place) != Notice {
				continue
			}
			if (p.Sale && law.Grants(jurisdiction.RightOptOutSale)) || (p.Sharing && law.Grants(jurisdiction.RightOptOutSharing)) ||
				(p.TargetedAds && law.Grants(jurisdiction.RightOptOutTargetedAds)) {
				v.add(path+".consent", "%s gives a right to opt out of this purpose: the mechanism there must be opt_out or opt_in, not notice", place)
			}
		}
	}
	if p.Tracking && !v.p.HonourDNT {
		// Tracking says what a Do Not Track signal stops; without honour_dnt
		// no signal is recorded and the mark would promise nothing.
		v.add(path+".tracking", "a Do Not Track signal stops tracking purposes only where the policy says honour_dnt: true")
	}
	for j, w := range p.Withdraw {
		v.enum(fmt.Sprintf("%s.withdraw[%d]", path, j), "withdraw", w)
	}
	v.unique(path+".withdraw", p.Withdraw)
	v.period(path+".renewal", p.Renewal)
	v.enum(path+".channel", "channel", p.Channel)
	if p.ProfilingLogic != "" && !p.Profiling {
		v.add(path+".profiling_logic", "describes profiling: set profiling: true, or remove it")
	}
}

// servedAndNamed lists the places whose rules matter for p: every served
// jurisdiction and every key its maps name, "*" included.
func (v *validator) servedAndNamed(p *Purpose) []string {
	places := slices.Clone(v.p.Jurisdictions)
	for _, m := range []map[string]string{p.Basis, p.Consent} {
		for _, k := range sortedKeys(m) {
			if !slices.Contains(places, k) {
				places = append(places, k)
			}
		}
	}
	return places
}

func (v *validator) recipients() {
	keys := make([]string, len(v.p.Recipients))
	for i, r := range v.p.Recipients {
		path := fmt.Sprintf("recipients[%d]", i)
		keys[i] = r.Key
		v.required(path+".key", r.Key)
		v.required(path+".name", r.Name)
		v.requiredEnum(path+".type", "recipient", r.Type)
		for j, pk := range r.Purposes {
			v.declaredPurpose(fmt.Sprintf("%s.purposes[%d]", path, j), pk)
		}
		v.unique(path+".purposes", r.Purposes)
		if len(r.Categories) == 0 {
			v.add(path+".categories", "list the data categories the recipient receives")
		}
		for j, cat := range r.Categories {
			v.collected(fmt.Sprintf("%s.categories[%d]", path, j), cat)
		}
		v.unique(path+".categories", r.Categories)
		if v.required(path+".country", r.Country) && !jurisdiction.ValidPlace(r.Country) {
			v.add(path+".country", "want an ISO 3166 country code such as US or DE")
		}
		v.enum(path+".transfer", "transfer", r.Transfer)
		if r.ConsentPurpose != "" {
			v.declaredPurpose(path+".consent_purpose", r.ConsentPurpose)
		}
		abroad := r.Country != "" && len(v.storage) > 0 && !v.storedIn(r.Country)
		if abroad && r.Transfer == "" {
			v.add(path+".transfer", "%s is outside every storage location (%s): name the transfer mechanism (%s)",
				r.Country, strings.Join(v.storage, ", "), strings.Join(enums()["transfer"], ", "))
		}
		if abroad && r.Transfer != "" && r.Transfer != "consent" {
			for _, place := range v.p.Jurisdictions {
				if law := v.c.Law(place); law != nil && law.CrossBorderConsent {
					v.add(path+".transfer", "%s (%s) requires the person's separate consent for a transfer abroad: use consent", place, law.Name)
					break
				}
			}
		}
	}
	v.unique("recipients", keys)
}

// storedIn reports whether data reaching country stays where it is stored:
// the same country, or the same single market under one law (the EU).
func (v *validator) storedIn(country string) bool {
	law := v.c.Law(country)
	for _, s := range v.storage {
		if s == country {
			return true
		}
		if sl := v.c.Law(s); sl != nil && law != nil && sl.Key == "EU" && law.Key == "EU" {
			return true
		}
	}
	return false
}

func (v *validator) retention() {
	ret := v.p.Retention
	from := v.c.Effective
	ceiling, hasCeiling := v.period("retention.ceiling", ret.Ceiling)
	if len(ret.Rules) == 0 {
		v.add("retention.rules", "declare at least one retention rule")
	}
	keys := make([]string, len(ret.Rules))
	periods := make([]deadline.Period, len(ret.Rules))
	for i, r := range ret.Rules {
		path := fmt.Sprintf("retention.rules[%d]", i)
		keys[i] = r.Key
		v.required(path+".key", r.Key)
		if len(r.Categories)+len(r.Purposes)+len(r.Records) == 0 {
			v.add(path, "the rule covers nothing: list categories, purposes or records")
		}
		for j, cat := range r.Categories {
			v.collected(fmt.Sprintf("%s.categories[%d]", path, j), cat)
		}
		for j, pk := range r.Purposes {
			v.declaredPurpose(fmt.Sprintf("%s.purposes[%d]", path, j), pk)
		}
		for j, rec := range r.Records {
			v.enum(fmt.Sprintf("%s.records[%d]", path, j), "record", rec)
		}
		v.unique(path+".categories", r.Categories)
		v.unique(path+".purposes", r.Purposes)
		v.unique(path+".records", r.Records)
		v.requiredEnum(path+".trigger", "trigger", r.Trigger)
		v.requiredEnum(path+".action", "action", r.Action)
		for j, e := range r.Exceptions {
			v.enum(fmt.Sprintf("%s.exceptions[%d]", path, j), "exception", e)
		}
		period, ok := v.period(path+".period", r.Period)
		if r.Period == "" {
			v.add(path+".period", "is required")
		}
		periods[i] = period
		ruleCeiling, hasRuleCeiling := v.period(path+".ceiling", r.Ceiling)
		if ok && hasRuleCeiling && deadline.Longer(from, period, ruleCeiling, nil) {
			v.add(path+".period", "%s is longer than the rule's ceiling %s", period, ruleCeiling)
		}
		if ok && hasCeiling && deadline.Longer(from, period, ceiling, nil) {
			v.add(path+".period", "%s is longer than retention.ceiling %s", period, ceiling)
		}
		if hasRuleCeiling && hasCeiling && deadline.Longer(from, ruleCeiling, ceiling, nil) {
			v.add(path+".ceiling", "%s is longer than retention.ceiling %s", ruleCeiling, ceiling)
		}
		v.firable(i)
	}
	v.unique("retention.rules", keys)
	v.contradictions(periods)
	for j, cat := range ret.KeepAnonymized {
		v.collected(fmt.Sprintf("retention.keep_anonymized[%d]", j), cat)
	}
	if ret.K != 0 && ret.K < 2 {
		v.add("retention.k", "a group of %d identifies its members: use 2 or more (default 5)", ret.K)
	}
}

func (v *validator) children() {
	ch := v.p.Children
	if ch.MinimumAge <= 0 {
		v.add("children.minimum_age", "is required: the age below which data is not collected without a guardian's consent")
	} else if ch.MinimumAge > 21 {
		v.add("children.minimum_age", "%d is not a children's age", ch.MinimumAge)
	}
	v.requiredEnum("children.action", "children", ch.Action)
	if ch.MinimumAge <= 0 {
		return
	}
	for _, place := range v.p.Jurisdictions {
		// A policy may be stricter than the law (a higher age) but never
		// laxer: only an age below the law's lowest allowed one is an error.
		for _, law := range childrenLaws(place) {
			if law.MinConsentAge > 0 && ch.MinimumAge < law.MinConsentAge {
				v.add("children.minimum_age", "%d is below %d, the lowest age %s (%s) allows", ch.MinimumAge, law.MinConsentAge, place, law.Name)
			}
		}
	}
}

func childrenLaws(place string) []*jurisdiction.Law {
	var laws []*jurisdiction.Law
	if l, ok := jurisdiction.Lookup(place); ok {
		laws = append(laws, l)
	}
	if l, ok := jurisdiction.Children(place); ok {
		laws = append(laws, l)
	}
	return laws
}

func (v *validator) rights() {
	r := v.p.Rights
	for _, k := range sortedKeys(r.Grant) {
		path := "rights.grant." + k
		v.place(path, k, true)
		for j, right := range r.Grant[k] {
			if !jurisdiction.Right(right).Valid() {
				v.add(fmt.Sprintf("%s[%d]", path, j), "unknown right %q (known: %s)", clip(right), strings.Join(enums()["request_type"], ", "))
			}
		}
		v.unique(path, r.Grant[k])
	}
	for j, a := range r.Approval {
		v.enum(fmt.Sprintf("rights.approval[%d]", j), "request_type", a)
	}
	for j, place := range r.B2BExempt {
		v.place(fmt.Sprintf("rights.b2b_exempt[%d]", j), place, false)
	}
	v.period("rights.export_window", r.ExportWindow)
	if f := r.Fees; f != nil {
		if f.FreeCopies < 0 {
			v.add("rights.fees.free_copies", "cannot be negative")
		}
		if v.required("rights.fees.amount", f.Amount) {
			if _, ok := ParseMoney(f.Amount); !ok {
				v.add("rights.fees.amount", "want a decimal and an ISO 4217 currency, e.g. \"10.00 EUR\"")
			}
		}
		if f.Estimate != "" {
			if _, ok := ParseMoney(f.Estimate); !ok {
				v.add("rights.fees.estimate", "want a decimal and an ISO 4217 currency, e.g. \"50.00 USD\"")
			}
			if !f.Excessive {
				v.add("rights.fees.estimate", "an estimate is for requests judged excessive: set excessive: true")
			}
		}
	}
}

func (v *validator) responseTimes() {
	for _, k := range sortedKeys(v.p.ResponseTimes) {
		path := "response_times." + k
		if k != "default" && !inEnum("request_type", k) {
			v.add(path, "unknown request type %q (use a right or \"default\")", clip(k))
		}
		if v.required(path, v.p.ResponseTimes[k]) {
			v.period(path, v.p.ResponseTimes[k])
		}
	}
}

func (v *validator) cookies() {
	names := make([]string, len(v.p.Cookies))
	for i, ck := range v.p.Cookies {
		path := fmt.Sprintf("cookies[%d]", i)
		names[i] = ck.Name
		v.required(path+".name", ck.Name)
		v.requiredEnum(path+".category", "cookie", ck.Category)
		v.required(path+".provider", ck.Provider)
		if v.required(path+".duration", ck.Duration) && ck.Duration != "session" {
			v.period(path+".duration", ck.Duration)
		}
	}
	v.unique("cookies", names)
}

func (v *validator) notices() {
	if c := v.p.Complaints; c != nil {
		if v.required("complaints.response", c.Response) {
			v.period("complaints.response", c.Response)
		}
	}
	if ch := v.p.Changes; ch != nil {
		if len(ch.Notice) == 0 {
			v.add("changes.notice", "list how people are told of changes (%s)", strings.Join(enums()["notice"], ", "))
		}
		for j, n := range ch.Notice {
			v.enum(fmt.Sprintf("changes.notice[%d]", j), "notice", n)
		}
		v.unique("changes.notice", ch.Notice)
		v.period("changes.before", ch.Before)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
