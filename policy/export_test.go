package policy

// Enums exposes the closed sets of the format to the external tests, which
// check the JSON Schema against them.
func Enums() map[string][]string { return enums() }
