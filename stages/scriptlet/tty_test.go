package scriptlet

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// ttyChildEnv names the root TestTTYChild runs its scriptlet in.
const ttyChildEnv = "DISCO_SCRIPTLET_TTY_CHILD_ROOT"

// TestControllingTerminal runs a build (TestTTYChild, in a re-execution of
// this test binary) whose controlling terminal is a pseudo-terminal, as
// when disco runs in a shell: a scriptlet that opens /dev/tty must not get
// it (it could write to the user's terminal, or push input into the shell
// with TIOCSTI).
func TestControllingTerminal(t *testing.T) {
	root := escapeRoot(t)
	probe(t, root)
	master, slave := openPTY(t)
	self, err := os.Executable()
	must(t, err)
	cmd := exec.Command(self, "-test.run=^TestTTYChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), ttyChildEnv+"="+root)
	cmd.Stdin = slave
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	err = cmd.Run()
	slave.Close()
	seen := drain(master)
	t.Logf("child: %v\n%s\nterminal: %q", err, out.String(), seen)
	if strings.Contains(seen, "ESCAPED") {
		t.Errorf("a scriptlet wrote to the builder's terminal: %q", seen)
	}
	if err != nil || !strings.Contains(out.String(), "--- PASS: TestTTYChild") {
		t.Errorf("the child build failed: %v", err)
	}
}

// TestTTYChild is TestControllingTerminal's build; it runs only there.
func TestTTYChild(t *testing.T) {
	root := os.Getenv(ttyChildEnv)
	if root == "" {
		t.Skip("run by TestControllingTerminal")
	}
	if _, err := os.Stat("/dev/tty"); err != nil {
		t.Fatalf("the child has no terminal to protect: %v", err)
	}
	m := isolationModes(t)[0]
	o := m.r.Run(context.Background(), root, sh(escapeScripts["tty"]))
	fmt.Printf("outcome %s %d %s: %s\n", o.Status, o.ExitCode, o.Isolation, o.Output)
	if strings.Contains(o.Output, "ESCAPED") || o.Status != Failed || o.ExitCode != 97 {
		t.Errorf("outcome %+v", o)
	}
}

// openPTY opens a pseudo-terminal pair.
func openPTY(t *testing.T) (*os.File, *os.File) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	must(t, unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	must(t, err)
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	must(t, err)
	return m, s
}

// drain reads what the terminal got, until nothing comes for a moment.
func drain(m *os.File) string {
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		m.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		n, err := m.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}
