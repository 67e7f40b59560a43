package policy

// materialKinds are the kinds of Change that are material. A change is
// material when it lets the service do more with people's data than they
// were told, or leaves them with less say over it:
//
//   - a new purpose, a purpose reading more categories or reaching more
//     recipients (purpose_added, categories_widened, recipients_widened);
//   - a new lawful basis or a weaker consent mechanism (basis_changed,
//     mechanism_weakened: opt-in to opt-out or notice);
//   - a new recipient, a recipient receiving more, or moved to another
//     country: a new transfer (recipient_added, recipient_widened,
//     recipient_moved);
//   - data kept longer or no longer promised to go (retention_lengthened,
//     retention_changed, retention_removed);
//   - a right taken away (right_removed).
//
// Everything that narrows what is done, adds a right or only renames the
// transfer mechanism to the same country is not material: people may be
// told of it, but need not be before it takes effect.
var materialKinds = map[string]bool{
	ChangePurposeAdded:        true,
	ChangeCategoriesWidened:   true,
	ChangeRecipientsWidened:   true,
	ChangeBasisChanged:        true,
	ChangeMechanismWeakened:   true,
	ChangeRecipientAdded:      true,
	ChangeRecipientWidened:    true,
	ChangeRecipientMoved:      true,
	ChangeRetentionLengthened: true,
	ChangeRetentionChanged:    true,
	ChangeRetentionRemoved:    true,
	ChangeRightRemoved:        true,
}

// Material reports whether a change of the kind is material: the one
// definition privet applies, documented in docs/policy.md.
func Material(kind string) bool { return materialKinds[kind] }

// MaterialChanges returns the material changes of Diff(old, new).
func MaterialChanges(old, new *Compiled) []Change {
	var out []Change
	for _, c := range Diff(old, new) {
		if c.Material {
			out = append(out, c)
		}
	}
	return out
}

// RightsReduced returns the changes of Diff(old, new) that take a right away
// somewhere both versions are offered.
func RightsReduced(old, new *Compiled) []Change {
	var out []Change
	for _, c := range Diff(old, new) {
		if c.Kind == ChangeRightRemoved {
			out = append(out, c)
		}
	}
	return out
}

// ConsentPurposes lists the purposes that depend on a person's choice
// somewhere the policy is offered (a consent basis, or an opt-in or opt-out
// mechanism), in the policy's order.
func (c *Compiled) ConsentPurposes() []string {
	var keys []string
	for _, p := range c.Policy.Purposes {
		if c.consentBased(p.Key) {
			keys = append(keys, p.Key)
		}
	}
	return keys
}
