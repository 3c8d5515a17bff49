// Package stages executes a plan, one stage per file: resolve (plan →
// lock), and, as they land, fetch, tree, filesystems, disk and outputs.
// Each stage is a small struct with a constructor behind a small interface;
// the format libraries they use live in sub-packages (repo, solve, rpm,
// ext4, ...).
//
// Resolve and fetch stay format-neutral: each machine's package format
// (plan.Machine.PackageFormat) picks one implementation of packageFormat
// (format.go): RPM (resolve.go, fetch.go, on repo, solve, rpm, rpmsig) or
// Debian (resolve_deb.go, fetch_deb.go, on apt, aptsolve). The build stages
// install RPM packages only so far; CheckBuildable refuses the others.
package stages
