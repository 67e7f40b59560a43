package jurisdiction

import (
	"slices"
	"strings"
)

// Lookup returns the law that applies in place: a law key ("EU", "US-CA"),
// an ISO 3166-1 alpha-2 country ("DE" -> EU, "GB" -> UK, "US" -> US) or an
// ISO 3166-2 subdivision ("US-CA" -> US-CA, "US-NY" -> US, "DE-BY" -> EU).
// Unknown codes return false. The Law is a copy the caller may change.
func Lookup(place string) (*Law, bool) {
	key, ok := lawKey(place)
	if !ok {
		return nil, false
	}
	l, ok := table()[key]
	if !ok {
		return nil, false
	}
	return l.clone(), true
}

func lawKey(place string) (string, bool) {
	if _, ok := table()[place]; ok {
		return place, true
	}
	if !ValidPlace(place) {
		return "", false
	}
	country, _, _ := strings.Cut(place, "-")
	if euMembers[country] {
		return keyEU, true
	}
	if country == "GB" {
		return keyUK, true
	}
	if _, ok := table()[country]; ok {
		return country, true
	}
	return "", false
}

// Keys returns the keys of every law in the table, sorted.
func Keys() []string {
	t := table()
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Children returns the children's privacy law that applies in place, if any:
// in every US place, COPPA's verifiable parental consent under 13.
func Children(place string) (*Law, bool) {
	if !ValidPlace(place) {
		return nil, false
	}
	if country, _, _ := strings.Cut(place, "-"); country != "US" {
		return nil, false
	}
	return table()[childrenKeyUS].clone(), true
}

// ValidPlace reports whether code is a well-formed ISO 3166-1 alpha-2 code
// ("DE") or ISO 3166-2 subdivision code ("US-CA", "FR-75C": country, hyphen,
// one to three letters or digits). It checks the form, not the registry.
func ValidPlace(code string) bool {
	country, sub, hasSub := strings.Cut(code, "-")
	if len(country) != 2 || !isUpper(country[0]) || !isUpper(country[1]) {
		return false
	}
	if !hasSub {
		return true
	}
	if len(sub) < 1 || len(sub) > 3 {
		return false
	}
	for i := 0; i < len(sub); i++ {
		if !isUpper(sub[i]) && !(sub[i] >= '0' && sub[i] <= '9') {
			return false
		}
	}
	return true
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
