// Package stages executes a plan, one stage per file: resolve (plan →
// lock), and, as they land, fetch, tree, filesystems, disk and outputs.
// Each stage is a small struct with a constructor behind a small interface;
// the format libraries they use live in sub-packages (repo, solve, rpm,
// ext4, ...).
package stages
