// Package starlib holds the helper modules that ship inside disco and that
// configurations load with load("@disco/NAME.star", ...). They are plain
// Starlark built only from disco's builtins, so they show how shared
// helpers are written.
//
// Entry point: FS, the embedded modules.
package starlib

import "embed"

// FS holds the modules, one NAME.star file each.
//
//go:embed *.star
var FS embed.FS

// Prefix is the load() prefix that names an embedded module.
const Prefix = "@disco/"
