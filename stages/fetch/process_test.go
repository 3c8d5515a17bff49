package fetch

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/disco-build/disco/stages/store"
)

const (
	childStoreEnv = "DISCO_FETCH_TEST_STORE"
	childURLEnv   = "DISCO_FETCH_TEST_URL"
	childItems    = 30
)

func childItemList(base string) []Item {
	var items []Item
	for i := range childItems {
		_, sum := blob(uint64(i), 100_000)
		p := "/p" + string(rune('A'+i)) + ".rpm"
		items = append(items, Item{Name: p, URLs: []string{base + p}, SHA256: sum, Size: 100_000})
	}
	return items
}

// TestChildFetch is the body of TestTwoProcesses' children.
func TestChildFetch(t *testing.T) {
	dir := os.Getenv(childStoreEnv)
	if dir == "" {
		return // only does something as a child of TestTwoProcesses
	}
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(st, Options{BackoffBase: 10 * time.Millisecond}).Fetch(context.Background(), childItemList(os.Getenv(childURLEnv)))
	if err != nil || s.Downloaded+s.FromCache != childItems {
		t.Fatalf("fetch = %+v, %v", s, err)
	}
}

// TestTwoProcesses has two OS processes fetch the same items into one
// store at once; both must succeed and leave a valid store.
func TestTwoProcesses(t *testing.T) {
	r := newRig(t)
	r.srv.delay = 5 * time.Millisecond
	items := childItemList(r.srv.URL)
	for i := range childItems {
		data, _ := blob(uint64(i), 100_000)
		r.srv.add(items[i].URLs[0][len(r.srv.URL):], data)
	}
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChildFetch$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), childStoreEnv+"="+r.st.Dir(), childURLEnv+"="+r.srv.URL)
		out := new(bytes.Buffer)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	for i, cmd := range cmds {
		err := cmd.Wait()
		if err != nil || !strings.Contains(outs[i].String(), "--- PASS: TestChildFetch") {
			t.Fatalf("child %d: %v\n%s", i, err, outs[i])
		}
	}
	st, _ := store.Open(r.st.Dir(), store.WithVerify(store.VerifyAlways))
	r.st = st
	r.stored(items...)
	total := 0
	for _, it := range items {
		total += r.srv.hitCount(it.URLs[0][len(r.srv.URL):])
	}
	t.Logf("%d requests for %d items from two processes", total, childItems)
}
