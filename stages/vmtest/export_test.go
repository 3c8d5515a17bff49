package vmtest

// For the external tests (which may use internal/testtool, which imports
// this package).
var (
	RunProbe   = runProbe
	ProbeImage = probeImage
)
