package builtins

import (
	"github.com/disco-build/disco/runtime/plan"
	"go.starlark.net/starlark"
)

const repoDoc = `Declares an RPM repository with yum/dnf semantics. baseurl may be one URL
or a list; a relative baseurl names a folder under the config root.
Unset priority and cost take dnf's defaults (99 and 1000).

    base = repo("base", baseurl = "file:///srv/repo/$releasever/$basearch", gpgcheck = False)
    machine(name = "web", repos = [base], packages = ["bash"])`

func repoFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	r := plan.Repo{Pos: callPos(thread), Enabled: true}
	var baseurl, gpgkey stringOrList
	var include, exclude stringList
	var priority, cost optInt
	if err := starlark.UnpackArgs(b.Name(), args, kwargs,
		"id", &r.ID, "baseurl?", &baseurl, "mirrorlist?", &r.MirrorList, "metalink?", &r.Metalink,
		"name?", &r.Name, "enabled?", &r.Enabled, "gpgcheck?", &r.GPGCheck, "repo_gpgcheck?", &r.RepoGPGCheck,
		"gpgkey?", &gpgkey, "priority?", &priority, "cost?", &cost,
		"includepkgs?", &include, "excludepkgs?", &exclude, "proxy?", &r.Proxy,
	); err != nil {
		return nil, argError(err)
	}
	r.BaseURLs, r.GPGKeys, r.Include, r.Exclude = baseurl, gpgkey, include, exclude
	if priority.p != nil {
		r.Priority = int(*priority.p)
	}
	if cost.p != nil {
		r.Cost = int(*cost.p)
	}
	if len(r.BaseURLs) == 0 && r.MirrorList == "" && r.Metalink == "" {
		return nil, argErrorf("%s: repo %q needs baseurl, mirrorlist or metalink", b.Name(), r.ID)
	}
	return c.add(&Value{kind: "repo", label: named("repo", r.ID), pos: r.Pos, data: &r,
		attrs: attrList{{"id", starlark.String(r.ID)}, {"baseurl", strList(r.BaseURLs)}}}), nil
}

func quote(s string) string { return starlark.String(s).String() }
