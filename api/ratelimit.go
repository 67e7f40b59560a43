package api

import (
	"net/netip"
	"sync"
	"time"

	"github.com/privet-dev/privet"
)

// buckets is a token bucket per key, bounded: when the map is full, buckets
// that have refilled (the same as a fresh one) are dropped first, at most
// once a second so a flood of new keys cannot make every call walk the whole
// map; if none has refilled, new keys share one overflow bucket rather than
// growing memory.
type buckets[K comparable] struct {
	clock   privet.Clock
	rate    float64 // tokens per second
	burst   float64
	maxKeys int

	mu       sync.Mutex
	buckets  map[K]*bucket
	overflow bucket
	swept    time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newBuckets[K comparable](clock privet.Clock, perSecond float64, burst, maxKeys int) *buckets[K] {
	return &buckets[K]{
		clock: clock, rate: perSecond, burst: float64(burst), maxKeys: maxKeys,
		buckets:  make(map[K]*bucket),
		overflow: bucket{tokens: float64(burst)},
	}
}

// take takes a token from key's bucket; false when it is empty.
func (l *buckets[K]) take(key K) bool {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.maxKeys && now.Sub(l.swept) >= time.Second {
			l.sweep(now)
			l.swept = now
		}
		if len(l.buckets) >= l.maxKeys {
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

func (l *buckets[K]) refill(b *bucket, now time.Time) {
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(l.burst, b.tokens+elapsed*l.rate)
	}
	b.last = now
}

// sweep drops the buckets that are full again: forgetting them changes
// nothing for their keys.
func (l *buckets[K]) sweep(now time.Time) {
	for k, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// rateLimiter is a token bucket per client network. Clients are keyed by
// their /24 (IPv4) or /48 (IPv6), so one host cannot escape its bucket by
// rotating addresses inside its allocation, and the map holds no full
// address.
type rateLimiter struct{ *buckets[netip.Prefix] }

func newRateLimiter(clock privet.Clock, perSecond float64, burst, maxClients int) *rateLimiter {
	return &rateLimiter{newBuckets[netip.Prefix](clock, perSecond, burst, maxClients)}
}

// allow takes a token for the client at addr (an IP, or host:port).
// An address that does not parse shares one bucket with all others like it.
func (l *rateLimiter) allow(addr string) bool { return l.take(clientNetwork(addr)) }

// keyLimiter is a token bucket per opaque key (the blind index of an
// identity).
type keyLimiter struct{ *buckets[string] }

func newKeyLimiter(clock privet.Clock, perSecond float64, burst, maxKeys int) *keyLimiter {
	return &keyLimiter{newBuckets[string](clock, perSecond, burst, maxKeys)}
}

func (l *keyLimiter) allow(key string) bool { return l.take(key) }

// clientNetwork is the /24 or /48 of an address; the zero prefix when the
// address does not parse.
func clientNetwork(addr string) netip.Prefix {
	a, ok := parseAddr(addr)
	if !ok {
		return netip.Prefix{}
	}
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, _ := a.Prefix(bits)
	return p
}
