package api

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddress sets r.RemoteAddr to the client's address when privet runs
// behind reverse proxies the operator trusts: a request from a trusted proxy
// carries the client in X-Forwarded-For, and the rate limits and the
// truncated IP kept as consent evidence must see that client, not the
// proxy. The header is read from the right, skipping trusted proxies, so
// an address a client writes into it itself is never believed; a request
// that does not come from a trusted proxy keeps its peer address whatever
// it says. With no trusted proxies this is a no-op.
func clientAddress(trusted []netip.Prefix, next http.Handler) http.Handler {
	if len(trusted) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if client, ok := forwardedClient(trusted, r.RemoteAddr, r.Header.Values("X-Forwarded-For")); ok {
			r.RemoteAddr = net.JoinHostPort(client.String(), "0")
		}
		next.ServeHTTP(w, r)
	})
}

// forwardedClient is the first address from the right of the forwarded
// chain (peer last) that is not a trusted proxy. It reports false when the
// peer itself is not trusted or the header names no one. A malformed entry
// ends the walk: what lies left of it cannot be attributed, so the nearest
// address that could be is taken.
func forwardedClient(trusted []netip.Prefix, peer string, forwarded []string) (netip.Addr, bool) {
	hop, ok := parseAddr(peer)
	if !ok || !isTrusted(trusted, hop) {
		return netip.Addr{}, false
	}
	var chain []string
	for _, h := range forwarded {
		chain = append(chain, strings.Split(h, ",")...)
	}
	found := false
	for i := len(chain) - 1; i >= 0; i-- {
		a, ok := parseAddr(strings.TrimSpace(chain[i]))
		if !ok {
			break
		}
		hop, found = a, true
		if !isTrusted(trusted, a) {
			break
		}
	}
	return hop, found
}

func isTrusted(trusted []netip.Prefix, a netip.Addr) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseAddr reads an IP or an IP:port, IPv4-mapped IPv6 as IPv4.
func parseAddr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, perr := netip.ParseAddrPort(s)
		if perr != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.Unmap().WithZone(""), true
}
