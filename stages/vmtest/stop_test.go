package vmtest

import (
	"bufio"
	"net"
	"path/filepath"
	"testing"
	"time"
)

// TestStopPowerdown: stop waits for the monitor's prompt, asks for an ACPI
// power-off, and does not kill a guest that then exits; a guest that does
// not is killed after the grace time.
func TestStopPowerdown(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "m.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	exited := make(chan error, 1)
	got := make(chan string, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		defer c.Close()
		c.Write([]byte("QEMU 7.2 monitor - type 'help' for more information\r\n"))
		time.Sleep(50 * time.Millisecond)
		c.Write([]byte("(qemu) "))
		line, _ := bufio.NewReader(c).ReadString('\n')
		got <- line
		exited <- nil // the guest powers off
	}()
	killed := false
	stop(sock, 10*time.Second, exited, func() { killed = true })
	if line := <-got; line != "system_powerdown\n" || killed {
		t.Errorf("monitor got %q, killed %v", line, killed)
	}

	// No monitor, a guest that stays up: killed.
	stop("", 10*time.Millisecond, make(chan error), func() { killed = true })
	if !killed {
		t.Error("not killed after the grace time")
	}
}
