package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/privet-dev/privet/deadline"
	"github.com/privet-dev/privet/jurisdiction"
)

// Change is one difference between two versions of a policy. Material
// changes (see Material) are the ones people must be told of before they
// take effect (and, for consent-based purposes, asked again): they widen
// what is done with data or weaken a choice or a right.
type Change struct {
	Kind     string `json:"kind"` // e.g. "purpose_added", "basis_changed"; see the Change* constants
	Key      string `json:"key"`  // the purpose, recipient, retention rule, category or jurisdiction
	Detail   string `json:"detail"`
	Material bool   `json:"material"`
}

// Kinds of Change.
const (
	ChangePurposeAdded          = "purpose_added"
	ChangePurposeRemoved        = "purpose_removed"
	ChangeCategoriesWidened     = "categories_widened"
	ChangeCategoriesNarrowed    = "categories_narrowed"
	ChangeRecipientsWidened     = "recipients_widened"
	ChangeBasisChanged          = "basis_changed"
	ChangeMechanismWeakened     = "mechanism_weakened"
	ChangeMechanismStrengthened = "mechanism_strengthened"
	ChangeRecipientAdded        = "recipient_added"
	ChangeRecipientRemoved      = "recipient_removed"
	ChangeRecipientWidened      = "recipient_widened"
	ChangeRecipientMoved        = "recipient_moved"
	ChangeTransferChanged       = "transfer_changed"
	ChangeCategoryAdded         = "category_added"
	ChangeCategoryRemoved       = "category_removed"
	ChangeRetentionAdded        = "retention_added"
	ChangeRetentionRemoved      = "retention_removed"
	ChangeRetentionLengthened   = "retention_lengthened"
	ChangeRetentionShortened    = "retention_shortened"
	ChangeRetentionChanged      = "retention_changed"
	ChangeRightRemoved          = "right_removed"
	ChangeRightAdded            = "right_added"
	ChangeJurisdictionAdded     = "jurisdiction_added"
	ChangeJurisdictionRemoved   = "jurisdiction_removed"
)

// Diff lists what changed from old to new, in the order of the policy's
// sections. Purposes are compared in every jurisdiction either version
// serves.
func Diff(old, new *Compiled) []Change {
	d := &differ{old: old, new: new}
	d.purposes()
	d.recipients()
	d.categories()
	d.retention()
	d.rights()
	return d.changes
}

// WidenedPurposes lists the consent-based purposes of new (opt-in or opt-out
// somewhere it is offered, or based on consent) that read more categories or
// reach more recipients than in old: consent given for the old scope does
// not cover them.
func WidenedPurposes(old, new *Compiled) []string {
	var keys []string
	for _, p := range new.Policy.Purposes {
		if _, existed := old.Purpose(p.Key); !existed || !new.consentBased(p.Key) {
			continue
		}
		if len(widerCategories(old.purposes[p.Key].Categories, p.Categories)) > 0 ||
			len(newItems(old.recipientsOf(p.Key), new.recipientsOf(p.Key))) > 0 {
			keys = append(keys, p.Key)
		}
	}
	return keys
}

type differ struct {
	old, new *Compiled
	changes  []Change
}

func (d *differ) add(kind, key string, format string, args ...any) {
	d.changes = append(d.changes, Change{Kind: kind, Key: key, Detail: fmt.Sprintf(format, args...), Material: Material(kind)})
}

// places is every jurisdiction either version serves, new's order first.
func (d *differ) places() []string {
	places := slices.Clone(d.new.Policy.Jurisdictions)
	for _, j := range d.old.Policy.Jurisdictions {
		if !slices.Contains(places, j) {
			places = append(places, j)
		}
	}
	return places
}

func mechanismStrength(m string) int {
	return map[string]int{OptIn: 2, OptOut: 1, Notice: 0}[m]
}

func (d *differ) purposes() {
	for _, j := range newItems(d.old.Policy.Jurisdictions, d.new.Policy.Jurisdictions) {
		d.add(ChangeJurisdictionAdded, j, "now offered in %s", j)
	}
	for _, j := range newItems(d.new.Policy.Jurisdictions, d.old.Policy.Jurisdictions) {
		d.add(ChangeJurisdictionRemoved, j, "no longer offered in %s", j)
	}
	for _, np := range d.new.Policy.Purposes {
		op, existed := d.old.Purpose(np.Key)
		if !existed {
			d.add(ChangePurposeAdded, np.Key, "new purpose reading %s", strings.Join(np.Categories, ", "))
			continue
		}
		if wider := widerCategories(op.Categories, np.Categories); len(wider) > 0 {
			d.add(ChangeCategoriesWidened, np.Key, "now also reads %s", strings.Join(wider, ", "))
		}
		if narrower := widerCategories(np.Categories, op.Categories); len(narrower) > 0 {
			d.add(ChangeCategoriesNarrowed, np.Key, "no longer reads %s", strings.Join(narrower, ", "))
		}
		if added := newItems(d.old.recipientsOf(np.Key), d.new.recipientsOf(np.Key)); len(added) > 0 {
			d.add(ChangeRecipientsWidened, np.Key, "now also shared with %s", strings.Join(added, ", "))
		}
		for _, place := range d.places() {
			ob, nb := d.old.Basis(np.Key, place), d.new.Basis(np.Key, place)
			if ob != nb && nb != "" {
				d.add(ChangeBasisChanged, np.Key, "%s: lawful basis %s -> %s", place, orDash(ob), nb)
			}
			om, nm := d.old.Mechanism(np.Key, place), d.new.Mechanism(np.Key, place)
			switch {
			case mechanismStrength(nm) < mechanismStrength(om):
				d.add(ChangeMechanismWeakened, np.Key, "%s: %s -> %s", place, om, nm)
			case mechanismStrength(nm) > mechanismStrength(om):
				d.add(ChangeMechanismStrengthened, np.Key, "%s: %s -> %s", place, om, nm)
			}
		}
	}
	for _, op := range d.old.Policy.Purposes {
		if _, kept := d.new.Purpose(op.Key); !kept {
			d.add(ChangePurposeRemoved, op.Key, "purpose no longer used")
		}
	}
}

func (d *differ) recipients() {
	for _, nr := range d.new.Policy.Recipients {
		or, existed := d.old.Recipient(nr.Key)
		if !existed {
			d.add(ChangeRecipientAdded, nr.Key, "new %s in %s receiving %s", nr.Type, nr.Country, strings.Join(nr.Categories, ", "))
			continue
		}
		wider := widerCategories(or.Categories, nr.Categories)
		wider = append(wider, newItems(or.Purposes, nr.Purposes)...)
		if len(wider) > 0 {
			d.add(ChangeRecipientWidened, nr.Key, "now also receives %s", strings.Join(wider, ", "))
		}
		switch {
		case or.Country != nr.Country:
			d.add(ChangeRecipientMoved, nr.Key, "%s (%s) -> %s (%s)",
				or.Country, orDash(or.Transfer), nr.Country, orDash(nr.Transfer))
		case or.Transfer != nr.Transfer:
			d.add(ChangeTransferChanged, nr.Key, "%s: transfer %s -> %s", nr.Country, orDash(or.Transfer), orDash(nr.Transfer))
		}
	}
	for _, or := range d.old.Policy.Recipients {
		if _, kept := d.new.Recipient(or.Key); !kept {
			d.add(ChangeRecipientRemoved, or.Key, "no longer receives data")
		}
	}
}

func (d *differ) categories() {
	for _, nc := range d.new.Policy.Categories {
		if _, existed := d.old.Category(nc.Key); !existed {
			d.add(ChangeCategoryAdded, nc.Key, "now collected")
		}
	}
	for _, oc := range d.old.Policy.Categories {
		if _, kept := d.new.Category(oc.Key); !kept {
			d.add(ChangeCategoryRemoved, oc.Key, "no longer collected")
		}
	}
}

func (d *differ) retention() {
	from := d.new.Effective
	oldRules := map[string]RetentionRule{}
	for _, r := range d.old.Policy.Retention.Rules {
		oldRules[r.Key] = r
	}
	newKeys := map[string]bool{}
	for _, nr := range d.new.Policy.Retention.Rules {
		newKeys[nr.Key] = true
		or, existed := oldRules[nr.Key]
		if !existed {
			d.add(ChangeRetentionAdded, nr.Key, "%s %s after %s", nr.Action, nr.Period, nr.Trigger)
			continue
		}
		op, oerr := deadline.ParsePeriod(or.Period)
		np, nerr := deadline.ParsePeriod(nr.Period)
		switch {
		case oerr != nil || nerr != nil:
		case deadline.Longer(from, np, op, nil):
			d.add(ChangeRetentionLengthened, nr.Key, "kept %s instead of %s", nr.Period, or.Period)
		case deadline.Longer(from, op, np, nil):
			d.add(ChangeRetentionShortened, nr.Key, "kept %s instead of %s", nr.Period, or.Period)
		}
		if or.Trigger != nr.Trigger || or.Action != nr.Action {
			// A later trigger or a weaker action can keep data longer in
			// ways a period cannot show: treat any such change as material.
			d.add(ChangeRetentionChanged, nr.Key, "%s after %s -> %s after %s", or.Action, or.Trigger, nr.Action, nr.Trigger)
		}
		if wider := newItems(or.Exceptions, nr.Exceptions); len(wider) > 0 {
			d.add(ChangeRetentionLengthened, nr.Key, "new exceptions: %s", strings.Join(wider, ", "))
		}
	}
	for _, or := range d.old.Policy.Retention.Rules {
		if !newKeys[or.Key] {
			// Without the rule nothing promises the data will go.
			d.add(ChangeRetentionRemoved, or.Key, "rule removed (was %s %s after %s)", or.Action, or.Period, or.Trigger)
		}
	}
	oc, oerr := deadline.ParsePeriod(d.old.Policy.Retention.Ceiling)
	nc, nerr := deadline.ParsePeriod(d.new.Policy.Retention.Ceiling)
	switch {
	case oerr == nil && nerr != nil:
		d.add(ChangeRetentionLengthened, "ceiling", "ceiling %s removed", oc)
	case oerr == nil && nerr == nil && deadline.Longer(from, nc, oc, nil):
		d.add(ChangeRetentionLengthened, "ceiling", "ceiling %s instead of %s", nc, oc)
	}
}

func (d *differ) rights() {
	for _, place := range d.old.Policy.Jurisdictions {
		if !slices.Contains(d.new.Policy.Jurisdictions, place) {
			continue // no longer offered there: reported as jurisdiction_removed
		}
		o, n := rightStrings(d.old.Rights(place)), rightStrings(d.new.Rights(place))
		for _, r := range newItems(n, o) {
			d.add(ChangeRightRemoved, place, "right %s removed", r)
		}
		for _, r := range newItems(o, n) {
			d.add(ChangeRightAdded, place, "right %s added", r)
		}
	}
}

func rightStrings(rs []jurisdiction.Right) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// recipientsOf lists the keys of recipients that receive data for purpose.
func (c *Compiled) recipientsOf(purpose string) []string {
	var keys []string
	for _, r := range c.Policy.Recipients {
		if slices.Contains(r.Purposes, purpose) {
			keys = append(keys, r.Key)
		}
	}
	return keys
}

// consentBased reports whether purpose depends on a person's choice anywhere
// the policy is offered.
func (c *Compiled) consentBased(purpose string) bool {
	p, ok := c.purposes[purpose]
	if !ok {
		return false
	}
	for _, b := range p.Basis {
		if b == BasisConsent {
			return true
		}
	}
	for _, place := range c.Policy.Jurisdictions {
		if m := c.Mechanism(purpose, place); m == OptIn || m == OptOut {
			return true
		}
	}
	return false
}

// widerCategories lists the categories of b that no category of a covers.
func widerCategories(a, b []string) []string {
	var out []string
	for _, cat := range b {
		covered := false
		for _, have := range a {
			covered = covered || underKey(cat, have)
		}
		if !covered {
			out = append(out, cat)
		}
	}
	return out
}

// newItems lists the items of b not in a.
func newItems(a, b []string) []string {
	var out []string
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, x)
		}
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
