//go:build race

package consent_test

// raceEnabled: the race detector slows every memory access many times over,
// so timing checks do not apply.
const raceEnabled = true
