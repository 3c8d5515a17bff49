package eval

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

func evalMap(t *testing.T, files map[string]string) (string, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src), Mode: 0o644}
	}
	ms, err := Eval(context.Background(), Options{FS: fsys, MaxSteps: 100000})
	if err != nil {
		return "", err
	}
	var names []string
	for _, m := range ms {
		names = append(names, m.ID())
	}
	return strings.Join(names, ","), nil
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"unknown arg", map[string]string{"a.star": "machine(name = \"web\", pakages = [])\n"},
			"a.star:1:8: machine: unexpected keyword argument \"pakages\""},
		{"wrong type", map[string]string{"a.star": "\nmachine(name = \"web\", packages = \"bash\")\n"},
			"a.star:2:8: machine: for parameter \"packages\": got string, want list of strings"},
		{"list element", map[string]string{"a.star": "machine(name = \"web\", files = (file(\"/a\"), repo(\"r\", baseurl = \"file:///x\")))\n"},
			"a.star:1:8: machine: for parameter \"files\": element 1: got repo, want file"},
		{"string element", map[string]string{"a.star": "machine(name = \"web\", packages = [\"bash\", 3])\n"},
			"a.star:1:8: machine: for parameter \"packages\": element 1: got int, want string"},
		{"output element", map[string]string{"a.star": "machine(name = \"web\", outputs = {\"raw\": 1, None: 2})\n"},
			"a.star:1:8: machine: for parameter \"outputs\": element 1: got NoneType, want format string or output"},
		{"unused", map[string]string{"a.star": "r = repo(\"base\", baseurl = \"file:///x\")\n"},
			"a.star:1:9: repo \"base\" declared but never attached to a machine"},
		{"cycle", map[string]string{"a.star": "load(\"b.star\", \"x\")\n", "b.star": "load(\"a.star\", \"y\")\nx = 1\n"},
			"load cycle: a.star -> b.star -> a.star"},
		{"endless", map[string]string{"a.star": "def f():\n  for i in range(1000000000):\n    pass\nf()\n"},
			"exceeded 100000 steps"},
		{"recursion", map[string]string{"a.star": "def f(n):\n  return f(n)\nf(1)\n"},
			"called recursively"},
		{"escape", map[string]string{"a.star": "load(\"../x.star\", \"x\")\n"},
			"a.star:1:1: cannot load ../x.star"},
		{"syntax", map[string]string{"a.star": "machine(\n"}, "a.star:2:1:"},
		{"fail in function", map[string]string{"a.star": "def f():\n  fail(\"boom\")\nf()\n"},
			"a.star:2:7: fail: boom\nTraceback"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := evalMap(t, c.files)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant containing %q", err, c.want)
			}
		})
	}
}

func TestGroupsAndGenerators(t *testing.T) {
	src := `
load("@disco/net.star", "identity")
base = repo("base", baseurl = "file:///r")
prod = group("prod", packages = ["setup"], repos = [base], arch = "aarch64")
machine(name = "web", group = prod, packages = ["nginx"], arch = "x86_64", generators = [identity()])
machine(name = "db", group = "prod", packages = ["pg"])
`
	got, err := evalMap(t, map[string]string{"a.star": src})
	if err != nil {
		t.Fatal(err)
	}
	if got != "prod/web,prod/db" {
		t.Fatalf("machines = %s", got)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fsys := fstest.MapFS{"a.star": {Data: []byte("def f():\n  for i in range(1 << 40):\n    pass\nf()\n")}}
	_, err := Eval(ctx, Options{FS: fsys})
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("got %v, want cancellation", err)
	}
}
