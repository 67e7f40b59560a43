package api

import "github.com/privet-dev/privet"

// RateLimiter exposes the limiter to the external tests.
type RateLimiter = rateLimiter

func NewRateLimiter(clock privet.Clock, perSecond float64, burst, maxClients int) *RateLimiter {
	return newRateLimiter(clock, perSecond, burst, maxClients)
}

func (l *rateLimiter) Allow(addr string) bool { return l.allow(addr) }
