package builtins

import (
	"github.com/disco-build/disco/runtime/plan"
	"go.starlark.net/starlark"
)

const attrsDoc = `Sets a path's metadata at the end of the build, after deletes: mode, owner
and group (names), xattrs ({name: value}), file capabilities (as setcap
writes them) and mtime (seconds). Unset fields keep what the path has.

    machine(name = "web", packages = ["iputils"], attrs = [
        attrs("/usr/bin/ping", caps = "cap_net_raw=ep"),
        attrs("/etc/motd", mode = 0o600, owner = "root", xattrs = {"user.origin": "disco"}, mtime = 0),
    ])`

func attrsFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	a := plan.Attr{Pos: callPos(thread)}
	var m mode
	var mtime optInt
	var xattrs *starlark.Dict
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &a.Path, "mode?", &m, "owner?", &a.Owner,
		"group?", &a.Group, "xattrs?", &xattrs, "caps?", &a.Caps, "mtime?", &mtime); err != nil {
		return nil, argError(err)
	}
	if m.set {
		a.Mode = &m.v
	}
	a.Mtime = mtime.p
	if xattrs != nil {
		a.Xattrs = map[string]string{}
		for _, kv := range xattrs.Items() {
			k, ok1 := starlark.AsString(kv[0])
			v, ok2 := starlark.AsString(kv[1])
			if !ok1 || !ok2 {
				return nil, argErrorf("%s: xattrs: want {name: value} strings", b.Name())
			}
			a.Xattrs[k] = v
		}
	}
	return c.add(&Value{kind: "attrs", label: named("attrs", a.Path), pos: a.Pos, data: &a,
		attrs: attrList{{"path", starlark.String(a.Path)}}}), nil
}
