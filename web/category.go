package web

import (
	"slices"
	"strings"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policy"
)

// Category is one kind of cookie the banner asks about and the purposes a
// choice for it records.
type Category struct {
	Key         string   `json:"key"`
	Label       string   `json:"label"`
	Description string   `json:"description"`
	Purposes    []string `json:"-"`
}

// categoryTable maps the policy's cookie categories to what the banner does.
//
//	category     asked  purposes recorded (when a cookie names none)
//	essential    no     -  (needed for the service; never refused)
//	security     no     -  (fraud and abuse protection; never refused)
//	analytics    yes    the policy's analytics.* purposes
//	preference   yes    the policy's personalize.* purposes
//	advertising  yes    the policy's marketing.advertising.* purposes
//
// A cookie that names its purpose records that purpose instead. The order
// of the table is the order of the banner's switches.
var categoryTable = []struct {
	key, label, description, prefix string
}{
	{"analytics", "Analytics", "Measure how the site is used.", "analytics"},
	{"preference", "Preferences", "Remember settings such as language.", "personalize"},
	{"advertising", "Advertising", "Show ads based on your activity, here and on other sites.", "marketing.advertising"},
}

// alwaysOn are the categories set without a choice.
var alwaysOn = []string{"essential", "security"}

func categoriesOf(pol *policy.Compiled) ([]Category, error) {
	var out []Category
	for _, row := range categoryTable {
		c := Category{Key: row.key, Label: row.label, Description: row.description}
		used := false
		for _, ck := range pol.Policy.Cookies {
			if ck.Category != row.key {
				continue
			}
			used = true
			if ck.Purpose == "" {
				continue
			}
			if _, ok := pol.Purpose(ck.Purpose); !ok {
				return nil, privet.FieldError("cookies", "a cookie names a purpose the policy does not declare")
			}
			if !slices.Contains(c.Purposes, ck.Purpose) {
				c.Purposes = append(c.Purposes, ck.Purpose)
			}
		}
		if !used {
			continue
		}
		if len(c.Purposes) == 0 {
			for _, p := range pol.Policy.Purposes {
				if p.Key == row.prefix || strings.HasPrefix(p.Key, row.prefix+".") {
					c.Purposes = append(c.Purposes, p.Key)
				}
			}
		}
		if len(c.Purposes) == 0 {
			return nil, privet.FieldError("cookies", "no purpose of the policy covers the %s cookies", row.key)
		}
		out = append(out, c)
	}
	for _, ck := range pol.Policy.Cookies {
		if !slices.Contains(alwaysOn, ck.Category) && !slices.ContainsFunc(categoryTable, func(r struct{ key, label, description, prefix string }) bool { return r.key == ck.Category }) {
			return nil, privet.FieldError("cookies", "unknown cookie category")
		}
	}
	return out, nil
}
