package builtins

import (
	"github.com/disco-build/disco/runtime/plan"
	"go.starlark.net/starlark"
)

const userDoc = `Declares a user account, merged into /etc/passwd and /etc/shadow. Without
uid, one is allocated deterministically at build time; explicit ids win.
password is a crypt(3) hash; the default "!" locks the account. Names
follow useradd (1 to 32 of A-Z a-z 0-9 _ . -, an optional final $, not
starting with -, not all digits); home and shell are absolute paths; no
field may hold ':', a newline or another control character.

    machine(name = "web", usergroups = [usergroup("app", gid = 990, system = True)], users = [
        user("app", uid = 990, group = "app", home = "/srv/app", shell = "/sbin/nologin", system = True),
    ])`

func userFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	u := plan.User{Pos: callPos(thread)}
	var uid optInt
	var groups stringList
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name", &u.Name, "uid?", &uid, "group?", &u.Group,
		"groups?", &groups, "home?", &u.Home, "shell?", &u.Shell, "comment?", &u.Comment,
		"password?", &u.Password, "system?", &u.System); err != nil {
		return nil, argError(err)
	}
	u.UID, u.Groups = uid.p, groups
	return c.add(&Value{kind: "user", label: named("user", u.Name), pos: u.Pos, data: &u,
		attrs: attrList{{"name", starlark.String(u.Name)}}}), nil
}

const usergroupDoc = `Declares a Unix group, merged into /etc/group and /etc/gshadow. Without
gid, one is allocated deterministically at build time.

    machine(name = "web", usergroups = [usergroup("app", gid = 990, system = True)])`

func usergroupFn(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := collector(thread)
	if err != nil {
		return nil, err
	}
	g := plan.UserGroup{Pos: callPos(thread)}
	var gid optInt
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name", &g.Name, "gid?", &gid, "system?", &g.System); err != nil {
		return nil, argError(err)
	}
	g.GID = gid.p
	return c.add(&Value{kind: "usergroup", label: named("usergroup", g.Name), pos: g.Pos, data: &g,
		attrs: attrList{{"name", starlark.String(g.Name)}}}), nil
}
