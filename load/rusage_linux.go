//go:build linux

package load

import "syscall"

// readUsage reads getrusage(RUSAGE_SELF); Linux gives ru_maxrss in KiB
// (getrusage(2)).
func readUsage() Usage {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return Usage{}
	}
	return Usage{Known: true, CPU: cpuTime(ru), PeakRSS: int64(ru.Maxrss) * 1024}
}
