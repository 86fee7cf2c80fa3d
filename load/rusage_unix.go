//go:build linux || darwin

package load

import (
	"syscall"
	"time"
)

// cpuTime is the user + system time of a rusage.
func cpuTime(ru syscall.Rusage) time.Duration {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
