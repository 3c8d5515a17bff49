package store

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	childEnv     = "DISCO_STORE_TEST_CHILD"
	childTempEnv = "DISCO_STORE_TEST_TEMP"
)

// TestChildTemp is the body of the child process of
// TestLeftoversOfKilledProcess: it writes part of an object, says where,
// and waits to be killed.
func TestChildTemp(t *testing.T) {
	dir := os.Getenv(childTempEnv)
	if dir == "" {
		return
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	data, sum := blob(42, 100_000)
	tmp, err := s.NewTemp(sum)
	if err != nil {
		t.Fatal(err)
	}
	tmp.Write(data[:50_000])
	fmt.Println("temp", tmp.Path())
	time.Sleep(time.Hour)
}

// TestLeftoversOfKilledProcess: the temporary file of a process killed
// half way through writing an object is removed by RemoveLeftovers, that
// of a live process (the same program, still running) is kept.
func TestLeftoversOfKilledProcess(t *testing.T) {
	s := mustOpen(t)
	start := func() (*exec.Cmd, string) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChildTemp$", "-test.count=1")
		cmd.Env = append(os.Environ(), childTempEnv+"="+s.Dir())
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		line, err := bufio.NewReader(out).ReadString('\n')
		if !strings.HasPrefix(line, "temp ") {
			t.Fatalf("child: %q, %v", line, err)
		}
		return cmd, strings.TrimSpace(strings.TrimPrefix(line, "temp "))
	}
	killed, deadTemp := start()
	_, liveTemp := start()
	killed.Process.Signal(syscall.SIGKILL)
	killed.Wait()
	removed, n, err := s.RemoveLeftovers()
	if err != nil || removed != 1 || n != 50_000 {
		t.Fatalf("RemoveLeftovers = %d, %d, %v; want the killed writer's file (50000 bytes)", removed, n, err)
	}
	if _, err := os.Lstat(deadTemp); !os.IsNotExist(err) {
		t.Errorf("%s of the killed process is still there", deadTemp)
	}
	if _, err := os.Lstat(liveTemp); err != nil {
		t.Errorf("%s of the live process was removed: %v", liveTemp, err)
	}
}

// TestChildPut is the body of the child processes of TestTwoProcesses; it
// does nothing when run normally.
func TestChildPut(t *testing.T) {
	dir := os.Getenv(childEnv)
	if dir == "" {
		return // only does something as a child of TestTwoProcesses
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		for i := range 30 {
			data, sum := blob(uint64(i), 200_000)
			if err := s.Put(sum, bytes.NewReader(data)); err != nil {
				t.Fatalf("round %d object %d: %v", round, i, err)
			}
			if err := s.Check(sum); err != nil {
				t.Fatalf("round %d object %d: %v", round, i, err)
			}
		}
	}
}

// TestTwoProcesses has two OS processes put and verify the same objects in
// one store at the same time.
func TestTwoProcesses(t *testing.T) {
	s := mustOpen(t, WithVerify(VerifyAlways))
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChildPut$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), childEnv+"="+s.Dir())
		out := new(bytes.Buffer)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v\n%s", i, err, outs[i])
		}
		if !strings.Contains(outs[i].String(), "--- PASS: TestChildPut") {
			t.Fatalf("child %d did not run the puts:\n%s", i, outs[i])
		}
	}
	for i := range 30 {
		_, sum := blob(uint64(i), 200_000)
		if err := s.Check(sum); err != nil {
			t.Error(err)
		}
	}
	if e := entries(t, s); len(e) != 60 {
		t.Errorf("store holds %d files, want 30 objects + 30 markers (no temp files): %s", len(e), fmt.Sprint(e))
	}
}
