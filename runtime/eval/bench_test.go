package eval

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/disco-build/disco/runtime/plan"
)

// thousandMachines is a config of 10 entry files × 100 machines sharing a
// library module, groups, generators and a disk layout.
func thousandMachines() fstest.MapFS {
	fsys := fstest.MapFS{
		"lib/common.star": {Data: []byte(`
load("@disco/layouts.star", "uefi_disk")
load("@disco/net.star", "identity")
base = [repo("base", baseurl = "file:///srv/repo", priority = 10)]
def make(group, i):
    machine(
        name = "m%d-%d" % (group, i),
        group = "g%d" % group,
        packages = ["bash", "coreutils", "util-linux", "pkg%d" % i],
        repos = base,
        files = [file("/etc/motd", content = "machine %d\n" % i), symlink("/etc/localtime", "../usr/share/zoneinfo/UTC")],
        devices = [device("/dev/console", "c", 0o600, major = 5, minor = 1)],
        users = [user("app", uid = 990)],
        generators = [identity()],
        disk = uefi_disk(),
        outputs = ["raw", "qcow2"],
    )
`)},
	}
	for g := 0; g < 10; g++ {
		src := fmt.Sprintf("load(\"lib/common.star\", \"make\")\nfor i in range(100):\n    make(%d, i)\n", g)
		fsys[fmt.Sprintf("g%d.star", g)] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}

// BenchmarkEval1000 evaluates, defaults, validates and renders the JSON
// plan (with digests) of 1,000 machines, as `disco eval --format json`
// does. Target: < 1 s and < 200 MB.
func BenchmarkEval1000(b *testing.B) {
	fsys := thousandMachines()
	b.ReportAllocs()
	for b.Loop() {
		ms, err := Eval(context.Background(), Options{FS: fsys})
		if err != nil {
			b.Fatal(err)
		}
		p := &plan.Plan{Machines: ms}
		plan.Default(p)
		if err := p.Validate(); err != nil {
			b.Fatal(err)
		}
		if err := plan.WriteDocument(io.Discard, p.Machines); err != nil {
			b.Fatal(err)
		}
		if len(ms) != 1000 {
			b.Fatalf("got %d machines", len(ms))
		}
	}
}

func TestThousandMachines(t *testing.T) {
	ms, err := Eval(context.Background(), Options{FS: thousandMachines()})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1000 || !strings.HasPrefix(ms[0].ID(), "g0/m0-0") {
		t.Fatalf("got %d machines, first %s", len(ms), ms[0].ID())
	}
}
