package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/disco-build/disco/stages/cachelock"
	"github.com/rogpeppe/go-internal/testscript"
)

// holdLockMain is the program holdlock that scripts start in the
// background to stand for another disco process: "holdlock [-shared] PATH"
// takes the lock on PATH (a glob naming one file) as disco does, writing
// its pid into it, and keeps it until it is killed.
func holdLockMain() int {
	args := os.Args[1:]
	mode := cachelock.Exclusive
	if len(args) > 0 && args[0] == "-shared" {
		mode, args = cachelock.Shared, args[1:]
	}
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: holdlock [-shared] PATH")
		return 2
	}
	path := args[0]
	if m, _ := filepath.Glob(path); len(m) == 1 {
		path = m[0]
	}
	if _, err := cachelock.Acquire(context.Background(), path, mode, cachelock.Options{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	time.Sleep(time.Hour)
	return 0
}

// cmdWaitLock is "waitlock [-waiter] PATH": it waits (up to 20 s) until a
// process holds a flock(2) lock on PATH (a glob naming one file), or with
// -waiter until a process also waits for it, as /proc/locks shows.
func cmdWaitLock(ts *testscript.TestScript, neg bool, args []string) {
	waiter := len(args) == 2 && args[0] == "-waiter"
	if neg || len(args) != 1 && !waiter {
		ts.Fatalf("usage: waitlock [-waiter] PATH")
	}
	pattern := ts.MkAbs(args[len(args)-1])
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m, _ := filepath.Glob(pattern); len(m) == 1 && lockListed(m[0], waiter) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	ts.Fatalf("no process holds (or waits for) a lock on %s", pattern)
}

// lockListed reports whether /proc/locks lists a FLOCK lock held on path,
// or with waiter one waited for.
func lockListed(path string, waiter bool) bool {
	var st syscall.Stat_t
	if syscall.Stat(path, &st) != nil {
		return false
	}
	f, err := os.Open("/proc/locks")
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		blocked := len(fields) > 1 && fields[1] == "->"
		if blocked {
			fields = append(fields[:1], fields[2:]...)
		}
		// 1: FLOCK ADVISORY WRITE PID MAJ:MIN:INODE START END
		if len(fields) < 6 || fields[1] != "FLOCK" || blocked != waiter {
			continue
		}
		if strings.HasSuffix(fields[5], fmt.Sprintf(":%d", st.Ino)) {
			return true
		}
	}
	return false
}
