package loadgen

import (
	"net"
	"net/url"
	"strings"

	"github.com/privet-dev/privet"
)

// CheckLoopback accepts only an http(s) URL whose host is localhost or a
// loopback IP address. It resolves no names: "localhost" is taken at its
// word and every other name is refused, so DNS cannot redirect the load.
func CheckLoopback(baseURL string) error {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return privet.FieldError("url", "url must be an http:// or https:// URL with a host")
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return privet.FieldError("url", "load runs only against a loopback address (127.0.0.0/8, ::1 or localhost)")
}
