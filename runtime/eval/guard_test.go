package eval

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"go.starlark.net/lib/json"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// TestGuardKeepsSemantics runs snippets through plain go.starlark.net and
// through disco's guarded evaluation and wants the same result (or the
// same error text) from both.
func TestGuardKeepsSemantics(t *testing.T) {
	snippets := []string{
		`r = [1 + 2, "a" + "b", [1] + [2], (1,) + (2,), 7 * 6, -3 * 2, "ab" * 3, [0] * 2, 3 * [1], (1, 2) * 2, "x" * -1, b"ab" * 2]`,
		`r = ["%d-%s" % (3, "x"), 7 % 3, -7 % 3, "%r" % [1], "%s" % {"a": 1}]`,
		`r = (1 << 70) * (1 << 70)`,
		`def f():
    a = [1]
    b = a
    a += [2]
    a += (3,)
    a += "xy".elems()
    a += range(2)
    return (a, b, a == b)
r = f()`,
		`def f():
    a = [1]
    a += a
    return a
r = f()`,
		`def f():
    d = {"k": [1]}
    alias = d["k"]
    d["k"] += [2]
    d["k"] *= 2
    l = [1, 2]
    l[0] += 10
    l[-1] *= 3
    s = "a"
    s += "b"
    s *= 2
    n = 10
    n %= 4
    f = "%s!"
    f %= "hi"
    return (d, alias, l, s, n, f)
r = f()`,
		`def f():
    l = [1]
    l.freeze() if False else None
    return l
r = f()`,
		`def f(t):
    t[0] += [2]
r = [1]
f((r,))`,
		`def f(l):
    l += [2]
r = [1]
f(r)`,
		`def g(x = "a" * 2, *args, **kw):
    y = [v * 2 for v in args if v % 2]
    z = {k: v + 1 for k, v in kw.items()}
    return (x, y, z, (lambda q = 1 + 1: q * 3)())
r = g("b", 1, 2, 3, a = 1)`,
		`sep = ", "
j = sep.join
r = [j(["a", "b"]), "{}-{x}".format(1, x = 2), "aXbX".replace("X", "yy", 1), "a b  c".split(), "a,b,c".rsplit(",", 1), "a\nb\r\nc".splitlines(True)]`,
		`l = [1]
l.extend([2, 3])
d = {"a": 1}
d.update({"b": 2}, c = 3)
d.update([("e", 5)])
r = (l, sorted(d.items()))`,
		`s = struct(format = 1, join = "j")
r = (s.format, s.join)`,
		`r = (list(range(3)), tuple("ab".elems()), sorted([3, 1]), list(reversed([1, 2])), dict(a = 1), enumerate(["x"]), zip([1], [2]), str([1, "a"]), repr("a"))`,
		`r = json.encode({"a": [1, 2]}) + json.indent("[1]") + str(json.decode("[1]"))`,
		`r = 1 + "a"`,
		`r = [1] * "a"`,
		`r = "%d" % "x"`,
		`r = (1).join`,
		`r = {}.join`,
		`r = "x".nope`,
		`x = [1]
def f():
    x += [2]
f()
r = x`,
	}
	for _, src := range snippets {
		want := plainResult(t, src)
		got := guardedResult(t, src)
		if got != want {
			t.Errorf("%s\nguarded: %s\nplain:   %s", src, got, want)
		}
	}
}

// plainResult runs src with go.starlark.net as is and returns repr(r) or
// the error's first line.
func plainResult(t *testing.T, src string) string {
	t.Helper()
	thread := &starlark.Thread{}
	pre := starlark.StringDict{"json": json.Module, "struct": starlark.NewBuiltin("struct", starlarkstruct.Make)}
	g, err := starlark.ExecFileOptions(fileOptions, thread, "m.star", src, pre)
	return result(g, err)
}

func guardedResult(t *testing.T, src string) string {
	t.Helper()
	e := newEvaluator(context.Background(), Options{FS: fstest.MapFS{}})
	defer e.stop()
	g, err := e.exec(e.newThread("m.star"), "m.star", []byte(src))
	return result(g, err)
}

func result(g starlark.StringDict, err error) string {
	if err != nil {
		msg := err.Error()
		if ev, ok := err.(*starlark.EvalError); ok {
			msg = ev.Msg
		}
		// The guard builtins add their name as Starlark's own do.
		for _, prefix := range []string{"+: ", "*: ", "%: ", "+=: ", "*=: ", "%=: "} {
			msg = strings.TrimPrefix(msg, prefix)
		}
		return "error: " + strings.SplitN(msg, "\n", 2)[0]
	}
	return g["r"].String()
}
