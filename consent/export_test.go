package consent

// TruncateIP exposes truncateIP to the tests, ignoring its error.
func TruncateIP(s string) string {
	ip, _ := truncateIP(s)
	return ip
}
