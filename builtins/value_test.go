package builtins

import (
	"slices"
	"testing"

	"github.com/disco-build/disco/runtime/plan"
	"go.starlark.net/starlark"
)

func TestValueLabelAndAttrs(t *testing.T) {
	pos := plan.Pos{File: "a.star", Line: 1, Col: 2}
	v := &Value{kind: "file", label: named("dir", `/a"b`), pos: pos,
		attrs: attrList{{"path", starlark.String("/a")}, {"kind", starlark.String("dir")}}}
	if got, want := v.String(), `<dir "/a\"b" at a.star:1:2>`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	if got := (&Value{label: unnamed("hardware"), pos: pos}).String(); got != "<hardware at a.star:1:2>" {
		t.Errorf("unnamed String() = %s", got)
	}
	if got := v.AttrNames(); !slices.Equal(got, []string{"kind", "path"}) {
		t.Errorf("AttrNames() = %q, want sorted [kind path]", got)
	}
	if a, err := v.Attr("kind"); err != nil || a != starlark.String("dir") {
		t.Errorf("Attr(kind) = %v, %v", a, err)
	}
	if a, err := v.Attr("nope"); a != nil || err != nil {
		t.Errorf("Attr(nope) = %v, %v; want nil, nil", a, err)
	}
}
