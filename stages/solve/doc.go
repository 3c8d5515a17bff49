// Package solve is disco's dependency resolver: given the packages of
// several repositories, it picks the set of packages that satisfies install
// requests the way dnf (libsolv) would pick it.
//
// Entry point: Resolve(ctx, universe, request, opts) returns a Result (the
// chosen packages sorted by name, arch and EVR, each with the dependency
// that pulled it in) or an *UnsolvableError holding every problem dnf would
// report, in dnf's words ("Problem 1: conflicting requests", "- nothing
// provides libfoo needed by bar-1-1.x86_64", "- package app-1-1.x86_64
// requires bar, but none of the providers can be installed"): the rules
// that prove each conflict, found the way libsolv finds them (explain.go).
// FilePaths names the paths a resolution may look up in file lists, so
// that a caller can load only those (repo.Repo.LoadFilelistsFor,
// repo.Pool.AddFiles). Reachable, given a Catalog (package IDs by name,
// provide, path, obsoleted name and supplement word, as repo.Pool answers
// them), returns the packages a resolution of some specs may look at: the
// answer over them is the answer over the whole universe (libsolv too adds
// rules only for what the job reaches), so a caller decodes only those.
//
// It is hand-written rather than built on a generic SAT library because the
// answer must be the one dnf gives, not merely a valid one: libsolv decides
// in a fixed order (jobs first, then unresolved dependency rules, easy ones
// before ambiguous ones, the rules sorted as libsolv sorts them over
// packages numbered as dnf loads them: repositories by priority, then ID,
// each in its primary.xml order, which is why the input order within a
// repository matters) and chooses among alternatives by a policy (repo
// priority, best architecture, newest version, obsoletes, packages
// recommended by already chosen ones, avoiding old versions, shared
// versioned provides), then minimises. The engine here is a small CDCL
// solver (watched literals, first-UIP learning, backjumping) driven by those
// same decision rules and propagating in libsolv's order (its watch lists,
// its rule layout), so that a failure's proof, which explain reports, is
// the one libsolv finds, proven against dnf by the package's oracle test
// (thousands of generated requests, with and without weak dependencies;
// testsolv from libsolv-tools replays dnf's debugdata when one differs).
//
// Size: a 60,000-package universe is indexed in flat blocks (names and
// provides interned once, each name's packages one slice of a shared
// array; files only for the paths some dependency names), and rules carve
// their literals from shared blocks and point at their dependency, so
// building the rules of a whole distribution allocates a few large arrays
// rather than a million small ones (BenchmarkResolve60k).
package solve
