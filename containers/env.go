package containers

import "os"

// Environment variables read by testcontainers-go that SetDefaultEnv fills in.
const (
	// EnvRyukDisabled disables the Ryuk reaper container.
	EnvRyukDisabled = "TESTCONTAINERS_RYUK_DISABLED"
	// EnvHostOverride is the host on which mapped ports are reached.
	EnvHostOverride = "TESTCONTAINERS_HOST_OVERRIDE"
)

// SetDefaultEnv sets TESTCONTAINERS_RYUK_DISABLED=true and
// TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 in the process environment when
// they are unset; values the caller set, even empty ones, are kept.
// testcontainers-go reads its configuration once per process, so this must
// run before its first use: every function of this package that talks to
// Docker calls it first. It is safe for concurrent use.
func SetDefaultEnv() {
	for _, kv := range [...][2]string{
		{EnvRyukDisabled, "true"},
		{EnvHostOverride, "127.0.0.1"},
	} {
		if _, ok := os.LookupEnv(kv[0]); !ok {
			os.Setenv(kv[0], kv[1])
		}
	}
}
