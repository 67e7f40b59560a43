package privettest

import (
	"syscall"
	"time"
)

// ProcessCPU is the CPU time (user and system) the process has used so far.
// Benchmarks report it per operation beside the wall time: on a machine
// shared with other work, the wall time measures the queue for the cores,
// the CPU time what the code costs.
func ProcessCPU() time.Duration {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		return 0
	}
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}
