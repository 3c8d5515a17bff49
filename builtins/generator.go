package builtins

import (
	"fmt"

	"github.com/disco-build/disco/runtime/plan"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

const generatorDoc = `A Starlark generator: fn is called once per machine at evaluation time with
a struct (name, group, hostname, arch, releasever, packages) and returns a
list of file()/directory()/symlink() values or a dict {path: content}.
Its output is part of the plan, so it is deterministic by construction.

    def hosts(m):
        return {"/etc/hostname": m.hostname + "\n"}
    machine(name = "web", generators = [generator(hosts)])`

type generatorData struct {
	name string
	fn   starlark.Callable
}

func generatorFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	g := &generatorData{}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "fn", &g.fn, "name?", &g.name); err != nil {
		return nil, argError(err)
	}
	if g.name == "" {
		g.name = g.fn.Name()
	}
	return c.add(&Value{kind: "generator", label: named("generator", g.name), pos: callPos(thread), data: g,
		attrs: attrList{{"name", starlark.String(g.name)}}}), nil
}

// runGenerator calls the generator for m and returns the files it made.
func runGenerator(thread *starlark.Thread, c *Collector, gv *Value, m *plan.Machine) ([]plan.File, error) {
	g := gv.data.(*generatorData)
	pkgs := make([]string, len(m.Packages))
	for i, p := range m.Packages {
		pkgs[i] = p.Name
	}
	ctx := starlarkstruct.FromStringDict(starlark.String("machine"), starlark.StringDict{
		"name":       starlark.String(m.Name),
		"group":      starlark.String(m.Group),
		"hostname":   starlark.String(m.Hostname),
		"arch":       starlark.String(m.Arch),
		"releasever": starlark.String(m.Releasever),
		"packages":   strList(pkgs),
	})
	out, err := starlark.Call(thread, g.fn, starlark.Tuple{ctx}, nil)
	if err != nil {
		return nil, err
	}
	files, err := generated(c, gv, out)
	if err != nil {
		return nil, &ArgError{Err: plan.Errorf(gv.pos, "generator %q for machine %s: %v", g.name, m.ID(), err)}
	}
	for i := range files {
		files[i].Generator = g.name
	}
	return files, nil
}

func generated(c *Collector, gv *Value, out starlark.Value) ([]plan.File, error) {
	switch x := out.(type) {
	case *starlark.Dict:
		var files []plan.File
		for _, kv := range x.Items() {
			p, ok1 := starlark.AsString(kv[0])
			content, ok2 := starlark.AsString(kv[1])
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("dict entries must be path: content strings, got %s: %s", kv[0].Type(), kv[1].Type())
			}
			f := plan.File{Pos: gv.pos, Path: p, Kind: "file"}
			setLiteral(&f, content)
			files = append(files, f)
		}
		return files, nil
	case *starlark.List, starlark.Tuple:
		l := listOf("file")
		if err := l.Unpack(out); err != nil {
			return nil, err
		}
		var files []plan.File
		for _, v := range l.items {
			v.attached = true
			files = append(files, *v.data.(*plan.File))
		}
		return files, nil
	}
	return nil, fmt.Errorf("must return a list of files or a dict, got %s", out.Type())
}
