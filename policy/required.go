package policy

// MissingRequired lists the categories the policy marks required that none
// of held provides, in policy order; nil when every one is held. A held
// category provides a required one when it is that category or falls under
// it: a required "user.account" is provided by a "user.account.username"
// field. The vault asks this when a subject is created or changed, so an
// account cannot exist without what the service says it cannot work without.
func (c *Compiled) MissingRequired(held []string) []string {
	var missing []string
	for i := range c.Policy.Categories {
		cat := &c.Policy.Categories[i]
		if !cat.Required || c.categories[cat.Key] != cat {
			continue // not required, or a duplicate validation reports
		}
		found := false
		for _, h := range held {
			if underKey(h, cat.Key) {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, cat.Key)
		}
	}
	return missing
}
