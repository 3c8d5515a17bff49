package loader

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/disco-build/disco/runtime/plan"
)

// common is bench/bench.sh's eval1000 library: a group per entry file and
// 100 machines in each.
const common = `load("@disco/layouts.star", "uefi_disk")
load("@disco/net.star", "identity")
base = [repo("base", baseurl = "file:///srv/repo", priority = 10)]
def make_group(g):
    return group(
        "g%d" % g,
        repos = base,
        packages = ["bash", "coreutils", "util-linux"],
        users = [user("app", uid = 990)],
        generators = [identity()],
        disk = uefi_disk(),
        source_date_epoch = 1700000000,
    )
def make(grp, g, i):
    machine(
        name = "m%d-%d" % (g, i),
        group = grp,
        packages = ["pkg%d" % i],
        files = [file("/etc/motd", content = "machine %d\n" % i), symlink("/etc/localtime", "../usr/share/zoneinfo/UTC")],
        devices = [device("/dev/console", "c", 0o600, major = 5, minor = 1)],
        outputs = ["raw", "qcow2"],
    )
`

// BenchmarkLoad1000 is what `disco eval --format json` does with bench.sh's
// 1,000-machine configuration on disk: load (configfs, Starlark, legacy
// scan, defaults, validation) and the JSON document. Target: < 1 s.
func BenchmarkLoad1000(b *testing.B) {
	root := b.TempDir()
	files := map[string]string{"lib/common.star": common}
	for g := range 10 {
		files[fmt.Sprintf("g%d.star", g)] = fmt.Sprintf("load(\"lib/common.star\", \"make\", \"make_group\")\ngrp = make_group(%d)\n[make(grp, %d, i) for i in range(100)]\n", g, g)
	}
	for name, data := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	opts := Options{Root: root, Cache: filepath.Join(b.TempDir(), "cache")}
	b.ReportAllocs()
	for b.Loop() {
		p, _, err := Load(context.Background(), opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Machines) != 1000 {
			b.Fatalf("got %d machines", len(p.Machines))
		}
		if err := plan.WriteDocument(io.Discard, p.Machines); err != nil {
			b.Fatal(err)
		}
	}
}
