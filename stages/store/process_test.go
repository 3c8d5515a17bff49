package store

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const childEnv = "DISCO_STORE_TEST_CHILD"

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
