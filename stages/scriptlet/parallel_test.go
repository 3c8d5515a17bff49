package scriptlet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestParallelRoots runs scriptlets in several roots at once, as parallel
// machine builds do: each sees only its own root.
func TestParallelRoots(t *testing.T) {
	roots := make([]string, 4)
	for i := range roots {
		roots[i] = busyboxRoot(t)
	}
	probe(t, roots[0])
	r := testRunner()
	r.Clock = nil // the fake clock is not safe for concurrent use
	var wg sync.WaitGroup
	outcomes := make([]Outcome, len(roots))
	for i, root := range roots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outcomes[i] = r.Run(context.Background(), root, sh(fmt.Sprintf("echo %d > /which; ls / > /listing", i)))
		}()
	}
	wg.Wait()
	for i, root := range roots {
		if outcomes[i].Status != Ran {
			t.Fatalf("root %d: %+v", i, outcomes[i])
		}
		if got := readFile(t, filepath.Join(root, "which")); got != fmt.Sprintf("%d\n", i) {
			t.Errorf("root %d: which %q", i, got)
		}
		// The listing is taken while /dev and /proc are mounted.
		if got := strings.Fields(readFile(t, filepath.Join(root, "listing"))); strings.Join(got, " ") != "bin dev listing proc var which" {
			t.Errorf("root %d: listing %q", i, got)
		}
	}
}

// TestMountPointLink refuses to mount over a /dev that is a symbolic link
// (it could point anywhere on the host) and leaves the root as it was.
func TestMountPointLink(t *testing.T) {
	root := busyboxRoot(t)
	probe(t, root)
	must(t, os.Symlink("/dev", filepath.Join(root, "dev")))
	o := testRunner().Run(context.Background(), root, sh("true"))
	if o.Status != Failed || !strings.Contains(o.Reason, "refusing to mount over it") {
		t.Errorf("outcome %+v", o)
	}
	if _, err := os.Lstat(filepath.Join(root, "proc")); err == nil {
		t.Errorf("ROOT/proc left behind")
	}
}
