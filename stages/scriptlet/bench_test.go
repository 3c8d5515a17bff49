package scriptlet

import (
	"context"
	"testing"
)

// BenchmarkRun measures the cost of one trivial shell scriptlet: re-exec
// of the test binary, namespaces, mounts, chroot and the shell itself.
func BenchmarkRun(b *testing.B) {
	root := busyboxRoot(b)
	r := &Runner{Epoch: 1}
	for b.Loop() {
		if o := r.Run(context.Background(), root, sh("true")); o.Status != Ran {
			b.Fatalf("outcome %+v", o)
		}
	}
}

// BenchmarkLua is the same for an empty Lua scriptlet (no shell started).
func BenchmarkLua(b *testing.B) {
	root := busyboxRoot(b)
	r := &Runner{Epoch: 1}
	for b.Loop() {
		if o := r.Run(context.Background(), root, Script{Package: "p", Name: "post", Prog: []string{LuaProg}, Body: "local x = 1", Arg1: 1}); o.Status != Ran {
			b.Fatalf("outcome %+v", o)
		}
	}
}
