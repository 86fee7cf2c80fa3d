//go:build darwin

package load

import "syscall"

// readUsage reads getrusage(RUSAGE_SELF); Darwin gives ru_maxrss in bytes
// (getrusage(2) of macOS).
func readUsage() Usage {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return Usage{}
	}
	return Usage{Known: true, CPU: cpuTime(ru), PeakRSS: int64(ru.Maxrss)}
}
