package builtins

import (
	"io/fs"
	"sort"

	"github.com/disco-build/disco/internal/glob"
	"go.starlark.net/starlark"
)

const readFileDoc = `Returns the content of a file under the config root (a path relative to
it). Absolute paths, '..', symlinks leading out of the root and the cache
folder are refused.

    machine(name = "web", files = [file("/etc/motd", content = read_file("files/motd"))])`

func readFileFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	var name string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &name); err != nil {
		return nil, argError(err)
	}
	if fi, err := fs.Stat(c.FS, name); err == nil {
		if err := charge(thread, b.Name()+"("+name+")", uint64(max(fi.Size(), 0))); err != nil {
			return nil, err
		}
	}
	data, err := fs.ReadFile(c.FS, name)
	if err != nil {
		return nil, argErrorf("%s: %w", b.Name(), err)
	}
	return starlark.String(data), nil
}

const globDoc = `Returns the sorted paths under the config root matching any include
pattern and no exclude pattern. Patterns are relative to the config root;
'*' matches within one path element, '**' matches any number of elements.

    machine(name = "web", files = [file("/etc/app/" + p.removeprefix("files/"), src = p) for p in glob(["files/*.conf"])])`

func globFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	var include, exclude stringList
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "include", &include, "exclude?", &exclude); err != nil {
		return nil, argError(err)
	}
	var out []string
	err = fs.WalkDir(c.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			// Unreadable or refused (the cache folder): not a match.
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p != "." && matchAny(include, p) && !matchAny(exclude, p) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, argErrorf("%s: %w", b.Name(), err)
	}
	sort.Strings(out)
	return strList(out), nil
}

func matchAny(patterns []string, p string) bool {
	for _, pat := range patterns {
		if glob.Match(pat, p) {
			return true
		}
	}
	return false
}

// MemoryKey is the thread-local key under which evaluation puts its
// memory account (a Charger); builtins that read or make large values
// charge it before they do.
const MemoryKey = "disco.memory"

// Charger accounts for a value of about n bytes that what is about to
// make; an error means it would exceed the evaluation's memory bound.
type Charger func(what string, n uint64) error

// charge charges thread's memory account, if it has one.
func charge(thread *starlark.Thread, what string, n uint64) error {
	if c, ok := thread.Local(MemoryKey).(Charger); ok {
		return c(what, n)
	}
	return nil
}
