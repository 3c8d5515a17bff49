package builtins

import (
	"fmt"
	"io/fs"

	"github.com/disco-build/disco/runtime/plan"
	"go.starlark.net/starlark"
)

const aptRepoDoc = `Declares a Debian repository: one suite of an archive, with the components
taken from it, as an apt source does. A machine whose repos are apt_repos
is a Debian machine: its packages are Debian names (name, name=version,
name:arch), resolved with apt's semantics; a machine may not mix repo and
apt_repo. url may be one URL or a list of mirrors, tried in order; a
relative one names a folder under the config root. The suite's Release
file (InRelease, or Release and Release.gpg) must be signed by a key of
keyring (apt's Signed-By: those keys only): config-root files, binary or
armored when the name ends in ".asc", whose digests are in the plan. An
unsigned repository needs allow_unsigned = True, an expired Release file
(Valid-Until) allow_expired = True; trusted = True skips the signature
check. priority is apt's pin priority of the repository's packages; proxy
(a URL, or "_none_") is used for its package downloads.

    bookworm = apt_repo(
        "bookworm",
        url = "http://deb.debian.org/debian",
        suite = "bookworm",
        components = ["main"],
        keyring = "keys/debian-archive-bookworm-stable.gpg",
    )
    machine(name = "web", repos = [bookworm], packages = ["openssh-server", "systemd-sysv"])`

func aptRepoFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	r := plan.AptRepo{Pos: callPos(thread), Components: []string{"main"}}
	var urls, keyrings stringOrList
	var components stringList
	var priority optSignedInt
	if err := starlark.UnpackArgs(b.Name(), args, kwargs,
		"name", &r.Name, "url", &urls, "suite", &r.Suite, "components?", &components,
		"keyring?", &keyrings, "arch?", &r.Arch, "allow_unsigned?", &r.AllowUnsigned, "trusted?", &r.Trusted,
		"allow_expired?", &r.AllowExpired, "priority?", &priority, "proxy?", &r.Proxy,
	); err != nil {
		return nil, argError(err)
	}
	r.URIs = urls
	if components != nil {
		r.Components = components
	}
	if priority.set {
		if priority.v == 0 {
			return nil, argErrorf("%s: priority 0 has no meaning to apt; give a positive or negative pin priority", b.Name())
		}
		r.Priority = int(priority.v)
	}
	for _, path := range keyrings {
		k, err := readKeyring(c.FS, r.Pos, path)
		if err != nil {
			return nil, argErrorf("%s: %w", b.Name(), err)
		}
		r.Keyrings = append(r.Keyrings, k)
	}
	return c.add(&Value{kind: "apt_repo", label: named("apt_repo", r.Name), pos: r.Pos, data: &r,
		attrs: attrList{{"name", starlark.String(r.Name)}, {"url", strList(r.URIs)}, {"suite", starlark.String(r.Suite)}}}), nil
}

// readKeyring reads a keyring file of the config root (see
// plan.KeyringFile).
func readKeyring(fsys fs.FS, pos plan.Pos, path string) (plan.Keyring, error) {
	if fi, err := fs.Stat(fsys, path); err == nil && fi.Size() > plan.MaxKeyring {
		return plan.Keyring{}, fmt.Errorf("keyring %s: larger than %d bytes", path, plan.MaxKeyring)
	}
	data, err := fs.ReadFile(fsys, path)
	if err != nil {
		return plan.Keyring{}, fmt.Errorf("keyring: %w", err)
	}
	return plan.KeyringFile(pos, path, data)
}

const packageSetDoc = `Names a set of packages the resolver computes from the repositories at
lock time, for a machine's packages beside plain names: the plan records
the name, the lock what it became. Debian machines know mmdebstrap's
variants: "essential" (every Essential: yes package), "apt" (and apt),
"required" and "minbase" (and Priority: required), "buildd" (and
build-essential), "important" (and Priority: important) and "standard"
(and Priority: standard). As apt-get install on an empty system, a Debian
machine gets no Essential package it does not ask for: a bootable one
asks for a variant. The module @disco/debian.star calls it variant().

    load("@disco/debian.star", "variant")
    debian = apt_repo("debian", url = "http://deb.debian.org/debian", suite = "bookworm",
                      keyring = "keys/debian-archive-bookworm-stable.gpg")
    machine(name = "base", repos = [debian], packages = [package_set("minbase"), "openssh-server"])
    machine(name = "small", repos = [debian], packages = [variant("essential")])`

func packageSetFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var name string
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name", &name); err != nil {
		return nil, argError(err)
	}
	if name == "" {
		return nil, argErrorf("%s: the name is empty", b.Name())
	}
	// Not collected: a set names packages and declares nothing by itself,
	// so one left unused is no mistake worth reporting.
	return &Value{kind: "package_set", label: named("package_set", name), pos: callPos(thread),
		data: &plan.Package{Name: name, Set: true}, attrs: attrList{{"name", starlark.String(name)}}}, nil
}

// packageList unpacks packages: names, and package_set values.
type packageList []plan.Package

func (l *packageList) Unpack(v starlark.Value) error {
	iter, ok := v.(starlark.Iterable)
	if !ok {
		return fmt.Errorf("got %s, want list of strings", v.Type())
	}
	if _, isStr := v.(starlark.String); isStr {
		return fmt.Errorf("got string, want list of strings")
	}
	return each(iter, func(i int, x starlark.Value) error {
		if str, ok := starlark.AsString(x); ok {
			*l = append(*l, plan.Package{Name: str})
			return nil
		}
		if val, ok := x.(*Value); ok && val.kind == "package_set" {
			*l = append(*l, *val.data.(*plan.Package))
			return nil
		}
		return fmt.Errorf("element %d: got %s, want string or package_set", i, x.Type())
	})
}

// repoList unpacks repos: repo and apt_repo values, told apart when the
// machine is built.
type repoList struct{ valueList }

func (l *repoList) Unpack(v starlark.Value) error {
	iter, ok := v.(starlark.Iterable)
	if !ok {
		return fmt.Errorf("got %s, want list of repo or apt_repo", v.Type())
	}
	return each(iter, func(i int, x starlark.Value) error {
		val, ok := x.(*Value)
		if !ok || val.kind != "repo" && val.kind != "apt_repo" {
			return fmt.Errorf("element %d: got %s, want repo or apt_repo", i, x.Type())
		}
		l.items = append(l.items, val)
		return nil
	})
}

// collectRepos sets the machine's RPM and Debian repositories from the
// group's list and the machine's, in that order. A machine given both is
// refused by plan validation, naming one of each.
func collectRepos(m *plan.Machine, lists ...*repoList) {
	for _, l := range lists {
		for _, v := range l.items {
			switch r := v.data.(type) {
			case *plan.Repo:
				m.Repos = append(m.Repos, *r)
			case *plan.AptRepo:
				m.AptRepos = append(m.AptRepos, *r)
			}
		}
	}
}

// optSignedInt unpacks an optional integer that may be negative.
type optSignedInt struct {
	set bool
	v   int64
}

func (o *optSignedInt) Unpack(v starlark.Value) error {
	if v == starlark.None {
		return nil
	}
	i, ok := v.(starlark.Int)
	if !ok {
		return fmt.Errorf("got %s, want int", v.Type())
	}
	n, ok := i.Int64()
	if !ok {
		return fmt.Errorf("%s: out of range", i)
	}
	o.set, o.v = true, n
	return nil
}
