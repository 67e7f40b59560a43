package crypto

// ParsePHCForTest exposes the password-hash parser to the fuzz target.
func ParsePHCForTest(encoded string) error {
	_, err := parsePHC(encoded)
	return err
}
