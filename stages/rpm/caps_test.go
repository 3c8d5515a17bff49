package rpm

import (
	"bytes"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

// TestCapsXattrMatchesSetcap has libcap's setcap write each capability text
// onto a file and compares the xattr it stored with ours.
func TestCapsXattrMatchesSetcap(t *testing.T) {
	testtool.Need(t, "setcap", "getfattr")
	testtool.Root(t)
	p := openFile(t, kindsRPM(t))
	files, _ := p.Files()
	texts := []string{"cap_net_raw,cap_chown+ep", "=ep", "cap_sys_admin+p cap_setuid+i",
		"cap_checkpoint_restore,cap_bpf+eip", "all=p cap_kill-p", "CAP_NET_ADMIN=ie", "cap_chown+e"}
	for _, f := range files {
		if f.Caps != "" {
			texts = append(texts, f.Caps)
		}
	}
	for _, text := range texts {
		target := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(target, nil, 0o755); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("setcap", text, target).CombinedOutput(); err != nil {
			t.Fatalf("setcap %q: %v\n%s", text, err, out)
		}
		out, err := exec.Command("getfattr", "--absolute-names", "-e", "hex", "-n", "security.capability", target).Output()
		if err != nil {
			t.Fatalf("getfattr: %v", err)
		}
		_, value, _ := strings.Cut(string(out), "security.capability=0x")
		want, _ := hex.DecodeString(strings.TrimSpace(value))
		got, err := File{Path: "/x", Caps: text}.CapsXattr()
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%q: got %x (%v), setcap wrote %x", text, got, err, want)
		}
	}
}

func TestCapsRejected(t *testing.T) {
	for _, text := range []string{"cap_nope+ep", "cap_chown", "cap_chown+x", "cap_chown+", "cap_chown,cap_net_raw+ep cap_sys_admin+i"} {
		if _, err := (File{Path: "/x", Caps: text}).CapsXattr(); err == nil {
			t.Errorf("%q accepted", text)
		}
	}
	if x, err := (File{Path: "/x"}).CapsXattr(); x != nil || err != nil {
		t.Errorf("no caps gave %x %v", x, err)
	}
}
