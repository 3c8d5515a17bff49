// Package builtins defines the Starlark builtins that configurations call to
// declare machines: machine, group, repo, apt_repo, package_set,
// gpt/mbr/partition and the filesystem constructors,
// file/directory/symlink, overlay, device, user, usergroup, generator,
// output, boot, expect, delete, and the sandboxed read_file and glob.
//
// Each builtin is a starlark.Builtin that takes its arguments only through
// starlark.UnpackArgs and returns an opaque *Value remembering the position
// of the call. A Collector, kept in the thread, records every value made so
// that values never attached to a machine can be reported, and every
// machine declared.
//
// Entry points: Universe (the predeclared names), NewCollector,
// CollectorFrom, and Docs (the reference the docs/ page is generated from).
package builtins
