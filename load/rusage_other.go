//go:build !linux && !darwin

package load

// readUsage reports an unknown usage: this platform has no getrusage that
// cbsim reads.
func readUsage() Usage { return Usage{} }
