package audit

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/privet-dev/privet"
)

// Retention may delete the oldest part of a tenant's chain, but only up to a
// signed checkpoint, and only after appending an audit.prune event that
// states the range. The checkpoint stays as the chain's new anchor: the first
// event left must link to its hash, and Verify accepts a chain that starts
// after event 1 only when a prune event inside the verified chain accounts
// for every missing event. Deleting a prefix by hand, without that event,
// still fails verification.

// PruneAction is the action of the event that announces a prune.
const PruneAction = "audit.prune"

// PruneActor writes prune events. Its own id lets the sweep find earlier
// prune events through the actor index instead of reading the chain.
var PruneActor = privet.Actor{Type: privet.ActorSystem, ID: "retention.audit"}

const (
	prunePrefix = "events "
	pruneAnchor = " deleted up to signed checkpoint "
	pruneRule   = "; rule "
)

// PruneReason is the reason of a prune event: the range of events deleted
// and the rule that deleted them, e.g. "events 1-4711 deleted up to signed
// checkpoint 4711; rule audit_log".
func PruneReason(from, through int64, rule string) string {
	return fmt.Sprintf("%s%d-%d%s%d%s%s", prunePrefix, from, through, pruneAnchor, through, pruneRule, rule)
}

// ParsePruneReason reads the range a PruneReason states; ok is false for
// anything PruneReason would not write.
func ParsePruneReason(s string) (from, through int64, ok bool) {
	rest, found := strings.CutPrefix(s, prunePrefix)
	if !found {
		return 0, 0, false
	}
	span, rest, found := strings.Cut(rest, pruneAnchor)
	if !found {
		return 0, 0, false
	}
	anchor, rule, found := strings.Cut(rest, pruneRule)
	if !found {
		return 0, 0, false
	}
	f, t, found := strings.Cut(span, "-")
	if !found {
		return 0, 0, false
	}
	var err [3]error
	var cp int64
	from, err[0] = strconv.ParseInt(f, 10, 64)
	through, err[1] = strconv.ParseInt(t, 10, 64)
	cp, err[2] = strconv.ParseInt(anchor, 10, 64)
	if err[0] != nil || err[1] != nil || err[2] != nil || from < 1 || through < from || cp != through {
		return 0, 0, false
	}
	// Only the exact spelling PruneReason writes (no signs, no leading zeros).
	if PruneReason(from, through, rule) != s {
		return 0, 0, false
	}
	return from, through, true
}
