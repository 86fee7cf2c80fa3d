package containers

import "os"

// Environment variables read by testcontainers-go that SetDefaultEnv fills
// in when asked.
const (
	// EnvRyukDisabled disables the Ryuk reaper container.
	EnvRyukDisabled = "TESTCONTAINERS_RYUK_DISABLED"
	// EnvHostOverride is the host on which mapped ports are reached.
	EnvHostOverride = "TESTCONTAINERS_HOST_OVERRIDE"
)

// SetDefaultEnv sets TESTCONTAINERS_RYUK_DISABLED=true and
// TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 in the process environment when
// they are unset; values the caller set, even empty ones, are kept. It is
// for machines like cbsim's own build machines, where no image can be
// pulled (so no Ryuk reaper) and Docker's gateway address does not answer;
// elsewhere — Docker Desktop, Docker-in-Docker CI, a remote DOCKER_HOST —
// these overrides break container start-up or leak containers.
//
// Nothing in this package calls it: call it yourself, or pass
// `--testcontainers-local` to `cbsim test`. testcontainers-go reads its
// configuration once per process, so it must run before the first call
// that talks to Docker. It is safe for concurrent use.
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
