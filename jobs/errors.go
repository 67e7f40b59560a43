package jobs

import (
	"fmt"

	"github.com/privet-dev/privet"
)

// unavailable reports a failure of the database under the jobs, keeping the
// cause in the chain for errors.Is while callers see a stable code. Causes
// here come from River and the drivers, never from job arguments.
func unavailable(op string, cause error) error {
	return fmt.Errorf("%w: %w", privet.Errorf(privet.EUNAVAILABLE, "jobs: %s failed", op), cause)
}

// configError reports a River configuration River itself refused.
func configError(cause error) error {
	return fmt.Errorf("%w: %w", privet.Errorf(privet.EINVALID, "jobs: invalid configuration"), cause)
}
