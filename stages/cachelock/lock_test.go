package cachelock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const childEnv = "DISCO_CACHELOCK_CHILD"

// TestChild is the body of the helper processes the other tests start:
// DISCO_CACHELOCK_CHILD=lock:PATH holds an exclusive lock on PATH,
// shared:PATH a shared one, temp:DIR a CreateTemp file in DIR, tempdir:DIR
// a MkdirTemp folder; it prints "ready PATH" and sleeps until killed.
func TestChild(t *testing.T) {
	spec := os.Getenv(childEnv)
	if spec == "" {
		return
	}
	kind, arg, _ := strings.Cut(spec, ":")
	var ready string
	switch kind {
	case "lock", "shared":
		mode := Exclusive
		if kind == "shared" {
			mode = Shared
		}
		if _, err := Acquire(context.Background(), arg, mode, Options{}); err != nil {
			t.Fatal(err)
		}
		ready = arg
	case "temp":
		f, err := CreateTemp(arg, ".x.tmp-*")
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("partial")
		ready = f.Name()
	case "tempdir":
		d, err := MkdirTemp(arg, "work-*")
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(d.Path, "f"), []byte("x"), 0o644)
		ready = d.Path
	}
	fmt.Printf("ready %s\n", ready)
	time.Sleep(time.Hour)
}

// child starts a helper process and returns it and what it made, once it
// is ready; it is killed when the test ends.
func child(t *testing.T, spec string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+spec)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if !strings.HasPrefix(line, "ready ") {
		t.Fatalf("child %s: %q, %v", spec, line, err)
	}
	return cmd, strings.TrimSpace(strings.TrimPrefix(line, "ready "))
}

func kill(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}

// An exclusive lock held by another process: NoWait fails naming its pid,
// a waiter is told the pid once and gets the lock when the holder is
// killed.
func TestExclusiveAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locks", "m.lock")
	cmd, _ := child(t, "lock:"+path)
	_, err := Acquire(context.Background(), path, Exclusive, Options{NoWait: true})
	var be *BusyError
	if !errors.As(err, &be) || be.PID != cmd.Process.Pid || !errors.Is(err, ErrBusy) {
		t.Fatalf("Acquire NoWait = %v, want a BusyError naming pid %d", err, cmd.Process.Pid)
	}
	if _, ok, err := TryAcquire(path, Shared); ok || err != nil {
		t.Fatalf("TryAcquire shared = %v, %v while held exclusively", ok, err)
	}
	var told []int
	got := make(chan error, 1)
	go func() {
		l, err := Acquire(context.Background(), path, Exclusive, Options{Waiting: func(pid int) { told = append(told, pid) }})
		l.Release()
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("Acquire returned (%v) while the holder lives", err)
	case <-time.After(300 * time.Millisecond):
	}
	kill(t, cmd)
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the lock of a killed process was not released")
	}
	if len(told) != 1 || told[0] != cmd.Process.Pid {
		t.Errorf("Waiting was called with %v, want once with %d", told, cmd.Process.Pid)
	}
	if b, _ := os.ReadFile(path); len(b) != 0 {
		t.Errorf("a released lock file still names a holder: %q", b)
	}
}

// Shared holders coexist; an exclusive one waits for them (with no pid
// to name) and is refused with NoWait.
func TestSharedAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.lock")
	cmd, _ := child(t, "shared:"+path)
	l, err := Acquire(context.Background(), path, Shared, Options{NoWait: true})
	if err != nil {
		t.Fatalf("a second shared lock: %v", err)
	}
	l.Release()
	_, err = Acquire(context.Background(), path, Exclusive, Options{NoWait: true})
	var be *BusyError
	if !errors.As(err, &be) || be.PID != 0 {
		t.Fatalf("exclusive NoWait under a shared holder = %v, want a BusyError without pid", err)
	}
	kill(t, cmd)
	l, ok, err := TryAcquire(path, Exclusive)
	if !ok || err != nil {
		t.Fatalf("TryAcquire exclusive after the holder died = %v, %v", ok, err)
	}
	l.Release()
}

// A waiter whose context ends stops waiting, and the lock it was waiting
// for is not left taken when the holder goes.
func TestWaitCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.lock")
	held, err := Acquire(context.Background(), path, Exclusive, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := Acquire(ctx, path, Exclusive, Options{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire = %v, want the context's error", err)
	}
	held.Release()
	deadline := time.Now().Add(5 * time.Second)
	for {
		l, ok, err := TryAcquire(path, Exclusive)
		if ok {
			l.Release()
			return
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("the abandoned wait kept the lock: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Two locks of one path in one process exclude each other as two
// processes do (flock locks belong to open file descriptions), so
// goroutines can share the helpers.
func TestExclusiveWithinProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.lock")
	var mu sync.Mutex
	inside := 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				l, err := Acquire(context.Background(), path, Exclusive, Options{})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				inside++
				if inside != 1 {
					t.Errorf("%d holders of an exclusive lock", inside)
				}
				mu.Unlock()
				time.Sleep(100 * time.Microsecond)
				mu.Lock()
				inside--
				mu.Unlock()
				l.Release()
			}
		}()
	}
	wg.Wait()
}
