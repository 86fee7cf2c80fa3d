package containers

// Internals exposed to the external tests.
var (
	ReferenceDockerfile = referenceDockerfile
	CheckStaticLinux    = checkStaticLinux
	InspectLocal        = inspectLocal
)
