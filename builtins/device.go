package builtins

import (
	"github.com/disco-build/disco/runtime/plan"
	"go.starlark.net/starlark"
)

const deviceDoc = `Declares a device node or FIFO. It exists only in the image's metadata
manifest (no mknod on the build host). type is "b" (block, needs major
and minor), "c" (character, needs both) or "p" (FIFO, takes neither).
major is 0 to 4095 and minor 0 to 1048575 (what Linux's dev_t holds);
path is absolute, clean and below /.

    machine(name = "web", devices = [
        device("/dev/console", "c", 0o600, major = 5, minor = 1),
        device("/dev/xconsole", "p", 0o640, gid = 4),
    ])`

func deviceFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	d := plan.Device{Pos: callPos(thread)}
	var m mode
	var major, minor, uid, gid optInt
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &d.Path, "type", &d.Type, "mode", &m,
		"major?", &major, "minor?", &minor, "uid?", &uid, "gid?", &gid); err != nil {
		return nil, argError(err)
	}
	d.Mode, d.Major, d.Minor = m.v, major.p, minor.p
	if uid.p != nil {
		d.UID = *uid.p
	}
	if gid.p != nil {
		d.GID = *gid.p
	}
	if err := plan.CheckDevice(d); err != nil {
		return nil, argError(err)
	}
	return c.add(&Value{kind: "device", label: named("device", d.Path), pos: d.Pos, data: &d,
		attrs: attrList{{"path", starlark.String(d.Path)}}}), nil
}
