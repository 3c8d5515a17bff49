package builtins

import (
	"io/fs"
	"path"
	"sort"
	"strings"

	"go.starlark.net/starlark"
)

const readFileDoc = `Returns the content of a file under the config root (a path relative to
it). Absolute paths, '..', symlinks leading out of the root and the cache
folder are refused.

    motd = read_file("files/motd")`

func readFileFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	var name string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &name); err != nil {
		return nil, argError(err)
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

    for f in glob(["files/etc/**"]): ...`

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
		if globMatch(strings.Split(pat, "/"), strings.Split(p, "/")) {
			return true
		}
	}
	return false
}

// globMatch matches path elements against pattern elements, where "**"
// stands for zero or more elements.
func globMatch(pat, elems []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(elems); i++ {
				if globMatch(pat[1:], elems[i:]) {
					return true
				}
			}
			return false
		}
		if len(elems) == 0 {
			return false
		}
		if ok, err := path.Match(pat[0], elems[0]); err != nil || !ok {
			return false
		}
		pat, elems = pat[1:], elems[1:]
	}
	return len(elems) == 0
}
