package builtins

import (
	"fmt"
	"io/fs"

	"github.com/disco-build/disco/runtime/plan"
	"go.starlark.net/starlark"
)

// spec holds what machine() and group() share. Unset scalars are zero; a
// machine's set scalar wins over its group's, lists are the group's first.
type spec struct {
	pos                 plan.Pos
	arch, releasever    string
	hostname, init      string
	sourceDateEpoch     optInt
	weakDeps            starlark.Value
	packages            packageList
	repos               repoList
	overlays            valueList
	files, devices      valueList
	users, usergroups   valueList
	generators, deletes valueList
	attrs               valueList
	allowFailures       stringList
	outputs             valueList
	disk, boot, test    one
	hardware            one
}

// newSpec returns an empty spec: one allocation, as machine() makes one
// per call.
func newSpec(pos plan.Pos) *spec {
	return &spec{
		pos: pos, weakDeps: starlark.None,
		repos: repoList{valueList{kind: "repo"}}, overlays: valueList{kind: "overlay"},
		files: valueList{kind: "file"}, devices: valueList{kind: "device"},
		users: valueList{kind: "user"}, usergroups: valueList{kind: "usergroup"},
		generators: valueList{kind: "generator"}, deletes: valueList{kind: "delete"}, attrs: valueList{kind: "attrs"},
		outputs: valueList{kind: "output"},
		disk:    one{kind: "disk"}, boot: one{kind: "boot"}, test: one{kind: "expect"},
		hardware: one{kind: "hardware"},
	}
}

// pairs returns the UnpackArgs pairs shared by machine and group, after
// the given leading ones.
func (s *spec) pairs(lead ...any) []any {
	out := make([]any, 0, len(lead)+48)
	return append(append(out, lead...),
		"arch?", &s.arch, "releasever?", &s.releasever, "hostname?", &s.hostname,
		"packages?", &s.packages, "repos?", &s.repos, "overlays?", &s.overlays,
		"files?", &s.files, "devices?", &s.devices, "users?", &s.users, "usergroups?", &s.usergroups,
		"generators?", &s.generators, "init?", &s.init, "deletes?", &s.deletes, "attrs?", &s.attrs,
		"allow_scriptlet_failures?", &s.allowFailures,
		"disk?", &s.disk, "outputs?", (*outputList)(s), "boot?", &s.boot, "test?", &s.test, "hardware?", &s.hardware,
		"source_date_epoch?", &s.sourceDateEpoch, "weak_deps?", &s.weakDeps,
	)
}

// outputList unpacks outputs given as format strings or output() values.
type outputList spec

func (o *outputList) Unpack(v starlark.Value) error {
	iter, ok := v.(starlark.Iterable)
	if !ok {
		return fmt.Errorf("got %s, want list of output formats", v.Type())
	}
	return each(iter, func(i int, x starlark.Value) error {
		if str, ok := starlark.AsString(x); ok {
			// A plain format name is output(format), declared here.
			out := &plan.Output{Pos: o.pos, Format: str}
			o.outputs.items = append(o.outputs.items, &Value{kind: "output", label: named("output", str),
				pos: o.pos, data: out, attached: true, used: true})
			return nil
		}
		val, ok := x.(*Value)
		if !ok || val.kind != "output" {
			return fmt.Errorf("element %d: got %s, want format string or output", i, x.Type())
		}
		o.outputs.items = append(o.outputs.items, val)
		return nil
	})
}

// values lists every value the spec holds, for use marking.
func (s *spec) values() []*Value {
	var out []*Value
	for _, l := range []*valueList{&s.repos.valueList, &s.overlays, &s.files, &s.devices, &s.users, &s.usergroups,
		&s.generators, &s.deletes, &s.attrs, &s.outputs} {
		out = append(out, l.items...)
	}
	for _, o := range []*one{&s.disk, &s.boot, &s.test, &s.hardware} {
		if o.v != nil {
			out = append(out, o.v)
		}
	}
	return out
}

const groupDoc = `Declares a group of machines. Its values are defaults for the machines that
name it: lists are the group's first, then the machine's; a scalar set on
the machine wins. Takes every machine() parameter except name and group.

    base = repo("base", baseurl = "file:///srv/repo")
    prod = group("prod", repos = [base], packages = ["setup", "bash"])
    machine(name = "web", group = prod, packages = ["nginx"])`

func groupFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	s := newSpec(callPos(thread))
	var name string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, s.pairs("name", &name)...); err != nil {
		return nil, argError(err)
	}
	if err := plan.CheckGroupName(name); err != nil {
		return nil, argErrorf("%s: %w", b.Name(), err)
	}
	if prev, ok := c.groups[name]; ok {
		return nil, argErrorf("%s: group %q declared twice: here and at %s", b.Name(), name, prev.pos)
	}
	if pos, ok := c.groupRefs[name]; ok {
		return nil, argErrorf("%s: group %q declared after the machine at %s named it; declare groups first", b.Name(), name, pos)
	}
	v := &Value{kind: "group", label: named("group", name), pos: s.pos, data: s,
		attrs: attrList{{"name", starlark.String(name)}}}
	v.adopt(s.values()...)
	c.groups[name] = v
	return c.add(v), nil
}

// groupArg unpacks machine(group=...): a group value or a group name.
type groupArg struct {
	name string
	v    *Value
}

func (g *groupArg) Unpack(v starlark.Value) error {
	if s, ok := starlark.AsString(v); ok {
		g.name = s
		return nil
	}
	val, ok := v.(*Value)
	if !ok || val.kind != "group" {
		return fmt.Errorf("got %s, want group or group name", v.Type())
	}
	g.v, g.name = val, string(val.attrs.get("name").(starlark.String))
	return nil
}

const machineDoc = `Declares a machine to build. packages are installed with all their
dependencies from repos: RPM names (or provides) from repo()s, or Debian
names (name, name=version, name:arch) and package_set()s from apt_repo()s;
the repositories decide the machine's package format, and arch defaults to
"x86_64" for RPM and "amd64" for Debian. Files land in build order:
packages, generated files, overlays, devices, init (at /init), users and
groups, deletes. Machines outside a group belong to group "default".

    machine(
        name = "web",
        group = "prod",
        packages = ["bash", "nginx"],
        repos = [repo("base", baseurl = "file:///srv/repo")],
        files = [file("/etc/motd", content = "hi\n")],
        init = "init/init.sh",
        disk = gpt([partition("root", "rest", fs = ext4(), mount = "/")]),
        outputs = ["qcow2"],
    )`

func machineFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	s := newSpec(callPos(thread))
	var name string
	var g groupArg
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, s.pairs("name", &name, "group?", &g)...); err != nil {
		return nil, argError(err)
	}
	gs, err := c.lookupGroup(&g, s.pos)
	if err != nil {
		return nil, argErrorf("%s: %w", b.Name(), err)
	}
	m, err := c.build(name, g.name, gs, s)
	if err != nil {
		return nil, err
	}
	if err := c.generate(thread, m, gs, s); err != nil {
		return nil, err
	}
	if g.v != nil {
		g.v.markUsed()
	}
	for _, v := range s.values() {
		v.attached = true
		v.markUsed()
	}
	c.Machines = append(c.Machines, m)
	mv := &Value{kind: "machine", label: named("machine", name), pos: s.pos, data: m, attached: true, used: true,
		attrs: attrList{{"name", starlark.String(name)}, {"group", starlark.String(m.Group)}}}
	return c.add(mv), nil
}

func (c *Collector) lookupGroup(g *groupArg, pos plan.Pos) (*spec, error) {
	if g.v == nil && g.name != "" {
		if v, ok := c.groups[g.name]; ok {
			g.v = v
		} else if _, seen := c.groupRefs[g.name]; !seen {
			c.groupRefs[g.name] = pos
		}
	}
	if g.v == nil {
		return newSpec(pos), nil
	}
	return g.v.data.(*spec), nil
}

// build merges group and machine specs into a plan.Machine.
func (c *Collector) build(name, group string, g, s *spec) (*plan.Machine, error) {
	m := &plan.Machine{Pos: s.pos, Name: name, Group: group, Source: plan.SourceStarlark}
	m.Arch = pick(s.arch, g.arch)
	m.Releasever = pick(s.releasever, g.releasever)
	m.Hostname = pick(s.hostname, g.hostname)
	m.SourceDateEpoch = s.sourceDateEpoch.p
	if m.SourceDateEpoch == nil {
		m.SourceDateEpoch = g.sourceDateEpoch.p
	}
	m.WeakDeps = truth(s.weakDeps, truth(g.weakDeps, false))
	if n := len(g.packages) + len(s.packages); n > 0 {
		m.Packages = make([]plan.Package, 0, n)
	}
	for _, sp := range []*spec{g, s} {
		for _, p := range sp.packages {
			p.Pos = sp.pos
			m.Packages = append(m.Packages, p)
		}
		m.AllowScriptletFailures = append(m.AllowScriptletFailures, sp.allowFailures...)
	}
	collectRepos(m, &g.repos, &s.repos)
	collect(&m.Overlays, &g.overlays, &s.overlays)
	collect(&m.Files, &g.files, &s.files)
	collect(&m.Devices, &g.devices, &s.devices)
	collect(&m.Users, &g.users, &s.users)
	collect(&m.UserGroups, &g.usergroups, &s.usergroups)
	collect(&m.Deletes, &g.deletes, &s.deletes)
	collect(&m.Attrs, &g.attrs, &s.attrs)
	collect(&m.Outputs, &g.outputs, &s.outputs)
	m.Disk = pickOne[plan.Disk](&s.disk, &g.disk)
	m.Boot = pickOne[plan.Boot](&s.boot, &g.boot)
	m.Test = pickOne[plan.Test](&s.test, &g.test)
	m.Hardware = pickOne[plan.Hardware](&s.hardware, &g.hardware)
	initSpec := s
	if s.init == "" {
		initSpec = g
	}
	if initSpec.init != "" {
		in, err := c.initFrom(initSpec)
		if err != nil {
			return nil, err
		}
		m.Init = in
	}
	return m, nil
}

func (c *Collector) initFrom(s *spec) (*plan.Init, error) {
	data, err := fs.ReadFile(c.FS, s.init)
	if err != nil {
		return nil, &ArgError{Err: plan.Errorf(s.pos, "init: %v", err)}
	}
	return &plan.Init{Pos: s.pos, Source: s.init, SHA256: sha256Hex(data)}, nil
}

func (c *Collector) generate(thread *starlark.Thread, m *plan.Machine, g, s *spec) error {
	for _, sp := range []*spec{g, s} {
		for _, gv := range sp.generators.items {
			files, err := runGenerator(thread, c, gv, m)
			if err != nil {
				return err
			}
			m.Files = append(m.Files, files...)
		}
	}
	return nil
}

// collect sets *dst to copies of the values in lists (left nil when there
// are none).
func collect[T any](dst *[]T, lists ...*valueList) {
	n := 0
	for _, l := range lists {
		n += len(l.items)
	}
	if n == 0 {
		return
	}
	out := make([]T, 0, n)
	for _, l := range lists {
		for _, v := range l.items {
			out = append(out, *v.data.(*T))
		}
	}
	*dst = out
}

func pick(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func pickOne[T any](a, b *one) *T {
	o := a
	if o.v == nil {
		o = b
	}
	if o.v == nil {
		return nil
	}
	x := *o.v.data.(*T)
	return &x
}

func truth(v starlark.Value, dflt bool) bool {
	if v == nil || v == starlark.None {
		return dflt
	}
	return bool(v.Truth())
}
