//go:build !race

package consent_test

const raceEnabled = false
