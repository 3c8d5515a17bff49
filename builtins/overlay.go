package builtins

import (
	"fmt"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/runtime/treehash"
	"go.starlark.net/starlark"
)

const overlayDoc = `Copies a folder under the config root onto the root at dest (default "/").
Entries whose name starts with '.' directly in the folder are skipped.
Files are owned by root:root and keep the source's exec bit unless modes
or owners (dicts from a glob, relative to dest, to a mode or "user:group")
say otherwise.

    machine(name = "web", overlays = [overlay("overlays/common", modes = {"etc/ssh/*_key": 0o600}, owners = {"srv/**": "app:app"})])`

func overlayFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	o := plan.Overlay{Pos: callPos(thread)}
	var modes, owners *starlark.Dict
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "src", &o.Source, "dest?", &o.Dest,
		"name?", &o.Name, "modes?", &modes, "owners?", &owners); err != nil {
		return nil, argError(err)
	}
	if o.Name == "" {
		o.Name = o.Source[strings.LastIndexByte(o.Source, '/')+1:]
	}
	if o.Digest, err = treehash.Digest(c.FS, o.Source, true); err != nil {
		return nil, argErrorf("%s: %s: %w", b.Name(), o.Source, err)
	}
	if o.Attrs, err = pathAttrs(o.Pos, modes, owners); err != nil {
		return nil, argErrorf("%s: %s: %w", b.Name(), o.Source, err)
	}
	return c.add(&Value{kind: "overlay", label: named("overlay", o.Source), pos: o.Pos, data: &o,
		attrs: attrList{{"src", starlark.String(o.Source)}, {"name", starlark.String(o.Name)}}}), nil
}

func pathAttrs(pos plan.Pos, modes, owners *starlark.Dict) ([]plan.PathAttr, error) {
	var attrs []plan.PathAttr
	if modes != nil {
		for _, kv := range modes.Items() {
			glob, ok := starlark.AsString(kv[0])
			var m mode
			if err := m.Unpack(kv[1]); !ok || err != nil || !m.set {
				return nil, fmt.Errorf("modes: want {glob: mode}, got %s: %s", kv[0], kv[1])
			}
			v := m.v
			attrs = append(attrs, plan.PathAttr{Pos: pos, Glob: glob, Mode: &v})
		}
	}
	if owners != nil {
		for _, kv := range owners.Items() {
			glob, ok1 := starlark.AsString(kv[0])
			owner, ok2 := starlark.AsString(kv[1])
			user, group, _ := strings.Cut(owner, ":")
			if !ok1 || !ok2 || user == "" {
				return nil, fmt.Errorf("owners: want {glob: \"user:group\"}, got %s: %s", kv[0], kv[1])
			}
			attrs = append(attrs, plan.PathAttr{Pos: pos, Glob: glob, Owner: user, Group: group})
		}
	}
	return attrs, nil
}
