package api

import (
	"sync"
	"time"

	"github.com/privet-dev/privet"
)

// keyLimiter is a token bucket per opaque key (the blind index of an
// identity), bounded like rateLimiter: full buckets are forgotten first,
// and past the bound new keys share one overflow bucket.
type keyLimiter struct {
	clock   privet.Clock
	rate    float64
	burst   float64
	maxKeys int

	mu       sync.Mutex
	buckets  map[string]*bucket
	overflow bucket
}

func newKeyLimiter(clock privet.Clock, perSecond float64, burst, maxKeys int) *keyLimiter {
	return &keyLimiter{clock: clock, rate: perSecond, burst: float64(burst), maxKeys: maxKeys,
		buckets: make(map[string]*bucket), overflow: bucket{tokens: float64(burst)}}
}

func (l *keyLimiter) allow(key string) bool {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.maxKeys {
			for k, o := range l.buckets {
				l.refill(o, now)
				if o.tokens >= l.burst {
					delete(l.buckets, k)
				}
			}
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

func (l *keyLimiter) refill(b *bucket, now time.Time) {
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(l.burst, b.tokens+elapsed*l.rate)
	}
	b.last = now
}
