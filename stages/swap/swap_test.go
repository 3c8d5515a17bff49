package swap

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/stages/ids"
)

func writeArea(t *testing.T, size int64, opts Options) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "swap.img")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	if err := Write(f, size, opts); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBlkid checks that util-linux sees the UUID, label and type.
func TestBlkid(t *testing.T) {
	testtool.Need(t, "blkid", "swaplabel")
	u := ids.UUID("g/m/swap")
	path := writeArea(t, 8<<20, Options{UUID: u, Label: "disco-swap"})
	out, err := exec.Command("blkid", "-p", "-o", "export", path).CombinedOutput()
	if err != nil {
		t.Fatalf("blkid -p: %v\n%s", err, out)
	}
	for _, want := range []string{"UUID=" + ids.Format(u), "LABEL=disco-swap", "TYPE=swap", "VERSION=1"} {
		if !strings.Contains(string(out), want+"\n") {
			t.Errorf("blkid output lacks %q:\n%s", want, out)
		}
	}
	out, err = exec.Command("swaplabel", path).CombinedOutput()
	if err != nil {
		t.Fatalf("swaplabel: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "LABEL: disco-swap") || !strings.Contains(string(out), "UUID:  "+ids.Format(u)) {
		t.Errorf("swaplabel output:\n%s", out)
	}
}

// TestSameAsMkswap compares the header page with mkswap's for the same
// size, UUID and label.
func TestSameAsMkswap(t *testing.T) {
	testtool.Need(t, "mkswap")
	u := ids.UUID("g/m/swap")
	const size = 3<<20 + 4096*3 + 100 // not a whole number of pages
	ours := writeArea(t, size, Options{UUID: u, Label: "sw"})
	theirs := filepath.Join(t.TempDir(), "mkswap.img")
	if err := os.WriteFile(theirs, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mkswap", "-U", ids.Format(u), "-L", "sw", "-p", "4096", theirs).CombinedOutput(); err != nil {
		t.Fatalf("mkswap: %v\n%s", err, out)
	}
	a, _ := os.ReadFile(ours)
	b, _ := os.ReadFile(theirs)
	if !bytes.Equal(a[:4096], b[:4096]) {
		t.Fatalf("header page differs from mkswap's:\nours   %x\nmkswap %x", a[1024:1072], b[1024:1072])
	}
}

func TestErrors(t *testing.T) {
	if _, err := Header(9*4096, Options{}); err == nil || !strings.Contains(err.Error(), "need at least 10") {
		t.Errorf("small area: %v", err)
	}
	if _, err := Header(1<<20, Options{Label: strings.Repeat("x", 17)}); err == nil {
		t.Error("long label accepted")
	}
	if _, err := Header(1<<20, Options{PageSize: 5000}); err == nil {
		t.Error("odd page size accepted")
	}
}
