package api

import (
	"net/netip"
	"sync"
	"time"

	"github.com/privet-dev/privet"
)

// rateLimiter is a token bucket per client network. Clients are keyed by
// their /24 (IPv4) or /48 (IPv6), so one host cannot escape its bucket by
// rotating addresses inside its allocation, and the map holds no full
// address. The map is bounded: when it is full, buckets that have refilled
// (equivalent to a fresh one) are dropped first, and if none has, new
// clients share one overflow bucket rather than growing memory.
type rateLimiter struct {
	clock      privet.Clock
	rate       float64 // tokens per second
	burst      float64
	maxClients int

	mu       sync.Mutex
	buckets  map[netip.Prefix]*bucket
	overflow bucket
	swept    time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(clock privet.Clock, perSecond float64, burst, maxClients int) *rateLimiter {
	return &rateLimiter{
		clock: clock, rate: perSecond, burst: float64(burst), maxClients: maxClients,
		buckets:  make(map[netip.Prefix]*bucket),
		overflow: bucket{tokens: float64(burst)},
	}
}

// allow takes a token for the client at addr (an IP, or host:port).
// An address that does not parse shares one bucket with all others like it.
func (l *rateLimiter) allow(addr string) bool {
	key := clientNetwork(addr)
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.maxClients && now.Sub(l.swept) >= time.Second {
			// At most once a second, so a flood of new clients cannot
			// make every request walk the whole map.
			l.sweep(now)
			l.swept = now
		}
		if len(l.buckets) >= l.maxClients {
			b = &l.overflow
		} else {
			b = &bucket{tokens: l.burst, last: now}
			l.buckets[key] = b
		}
	}
	l.refill(b, now)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func (l *rateLimiter) refill(b *bucket, now time.Time) {
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(l.burst, b.tokens+elapsed*l.rate)
	}
	b.last = now
}

// sweep drops the buckets that are full again: forgetting them changes
// nothing for their clients.
func (l *rateLimiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// clientNetwork is the /24 or /48 of an address; the zero prefix when the
// address does not parse.
func clientNetwork(addr string) netip.Prefix {
	ap, err := netip.ParseAddrPort(addr)
	var a netip.Addr
	if err == nil {
		a = ap.Addr()
	} else if a, err = netip.ParseAddr(addr); err != nil {
		return netip.Prefix{}
	}
	a = a.Unmap().WithZone("")
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, _ := a.Prefix(bits)
	return p
}
