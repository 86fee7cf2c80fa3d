package load

import "time"

// Usage is the process's resource usage as the operating system reports it.
type Usage struct {
	Known   bool          // false where the platform does not report usage
	CPU     time.Duration // user + system CPU time
	PeakRSS int64         // the peak resident set size, in bytes
}

// ReadUsage reads the process's resource usage (getrusage RUSAGE_SELF on
// Linux and Darwin); elsewhere it returns a Usage that is not Known.
func ReadUsage() Usage { return readUsage() }
