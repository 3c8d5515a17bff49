package builtins

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io/fs"
	"unicode/utf8"

	"github.com/disco-build/disco/runtime/plan"
	"go.starlark.net/starlark"
)

const fileDoc = `Places one file in the root, from literal content or from a file under the
config root (src). Mode defaults to 0o644 (0o755 for an executable src);
owner and group default to root.

    machine(name = "web", files = [
        file("/etc/motd", content = "welcome\n"),
        file("/usr/local/bin/hello", src = "files/hello.sh", mode = 0o755),
    ])`

func fileFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	f := plan.File{Pos: callPos(thread), Kind: "file"}
	var content starlark.Value = starlark.None
	var m mode
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &f.Path, "content?", &content,
		"src?", &f.Source, "mode?", &m, "owner?", &f.Owner, "group?", &f.Group); err != nil {
		return nil, argError(err)
	}
	if err := setContent(c, &f, content, &m); err != nil {
		return nil, argErrorf("%s: %s: %w", b.Name(), f.Path, err)
	}
	f.Mode = m.v
	return c.add(newFileValue(f)), nil
}

func setContent(c *Collector, f *plan.File, content starlark.Value, m *mode) error {
	switch {
	case content != starlark.None && f.Source != "":
		return fmt.Errorf("give content or src, not both")
	case content != starlark.None:
		s, ok := starlark.AsString(content)
		if !ok {
			return fmt.Errorf("content: got %s, want string", content.Type())
		}
		setLiteral(f, s)
	case f.Source != "":
		data, err := fs.ReadFile(c.FS, f.Source)
		if err != nil {
			return fmt.Errorf("src: %w", err)
		}
		f.SHA256 = sha256Hex(data)
		if !m.set {
			m.v = 0o644
			if fi, err := fs.Stat(c.FS, f.Source); err == nil && fi.Mode()&0o111 != 0 {
				m.v = 0o755
			}
		}
	default:
		setLiteral(f, "")
	}
	return nil
}

// setLiteral stores content as text when it is UTF-8, else as base64, so
// the plan's JSON holds any bytes faithfully.
func setLiteral(f *plan.File, s string) {
	if utf8.ValidString(s) {
		f.Content = &s
	} else {
		f.ContentBase64 = base64.StdEncoding.EncodeToString([]byte(s))
	}
	f.SHA256 = sha256Hex([]byte(s))
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func newFileValue(f plan.File) *Value {
	return &Value{kind: "file", label: named(f.Kind, f.Path), pos: f.Pos, data: &f,
		attrs: attrList{{"path", starlark.String(f.Path)}, {"kind", starlark.String(f.Kind)}}}
}

const directoryDoc = `Creates a directory in the root (mode defaults to 0o755).

    machine(name = "web", files = [directory("/srv/data", mode = 0o750, owner = "root", group = "root")])`

func directoryFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	f := plan.File{Pos: callPos(thread), Kind: "dir"}
	var m mode
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &f.Path, "mode?", &m,
		"owner?", &f.Owner, "group?", &f.Group); err != nil {
		return nil, argError(err)
	}
	f.Mode = m.v
	return c.add(newFileValue(f)), nil
}

const symlinkDoc = `Creates a symbolic link at path pointing to target (kept verbatim).

    machine(name = "web", files = [symlink("/etc/localtime", "../usr/share/zoneinfo/UTC")])`

func symlinkFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	f := plan.File{Pos: callPos(thread), Kind: "symlink"}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &f.Path, "target", &f.Target,
		"owner?", &f.Owner, "group?", &f.Group); err != nil {
		return nil, argError(err)
	}
	return c.add(newFileValue(f)), nil
}

const deleteDoc = `Removes a path (and everything below it) from the root after everything
else is in place.

    machine(name = "web", deletes = [delete("/usr/share/doc")])`

func deleteFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	d := plan.Delete{Pos: callPos(thread)}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &d.Path); err != nil {
		return nil, argError(err)
	}
	return c.add(&Value{kind: "delete", label: named("delete", d.Path), pos: d.Pos, data: &d,
		attrs: attrList{{"path", starlark.String(d.Path)}}}), nil
}
