package debver

// For the external tests (bookworm_test.go reads the archive through
// stages/apt, which imports this package).
var CheckAgainstDpkg = checkAgainstDpkg
