package manifest

import (
	"bytes"
	"strings"
	"testing"
)

func TestPutRemoveWriteRead(t *testing.T) {
	m := New(100)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(m.Put(&Entry{Path: "/etc", Kind: Dir, Mode: 0o755, Source: "disco"}))
	must(m.Put(&Entry{Path: "/etc/passwd", Kind: File, Mode: 0o644, Size: 3, SHA256: "ab", Source: "package:setup"}))
	must(m.Put(&Entry{Path: "/dev", Kind: Dir, Mode: 0o755}))
	must(m.Put(&Entry{Path: "/dev/console", Kind: Char, Mode: 0o600, Major: 5, Minor: 1, Xattrs: map[string][]byte{"user.x": {0, 1}}}))
	if err := m.Put(&Entry{Path: "/usr/bin/x", Kind: File}); err == nil {
		t.Errorf("entry without parent accepted")
	}
	if err := m.Put(&Entry{Path: "/etc", Kind: File}); err == nil {
		t.Errorf("non-empty folder replaced by a file")
	}
	if err := m.Put(&Entry{Path: "/a/../b", Kind: File}); err == nil {
		t.Errorf("unclean path accepted")
	}
	var buf bytes.Buffer
	must(m.Write(&buf))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], `{"path":"/",`) || !strings.Contains(lines[2], `"/dev/console"`) {
		t.Fatalf("Write:\n%s", buf.String())
	}
	back, err := Read(bytes.NewReader(buf.Bytes()))
	must(err)
	if d := Diff(m, back); len(d) != 0 {
		t.Errorf("round trip differs: %v", d)
	}
	back.Get("/etc/passwd").Mode = 0o600
	back.Remove("/dev")
	must(back.Put(&Entry{Path: "/etc/group", Kind: File}))
	var got []string
	for _, d := range Diff(m, back) {
		got = append(got, d.String())
	}
	want := "- /dev\n- /dev/console\n+ /etc/group\n~ /etc/passwd (mode)"
	if strings.Join(got, "\n") != want {
		t.Errorf("Diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}
