package cpio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
)

func newcEntry(name string, mode uint32, data string) string {
	h := fmt.Sprintf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%s\x00",
		1, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name)+1, 0, name)
	for len(h)%4 != 0 {
		h += "\x00"
	}
	h += data
	for len(h)%4 != 0 {
		h += "\x00"
	}
	return h
}

func trailer() string { return newcEntry("TRAILER!!!", 0, "") }

func stripped(fx int, data string) string {
	s := fmt.Sprintf("07070X%08x\x00\x00", fx) + data
	for len(s)%4 != 0 {
		s += "\x00"
	}
	return s
}

func readAll(t *testing.T, archive string, sizes map[int]int64) ([]*Header, []string, error) {
	t.Helper()
	r := NewReader(strings.NewReader(archive))
	var hs []*Header
	var data []string
	for {
		h, err := r.Next()
		if err != nil {
			return hs, data, err
		}
		if h.Stripped {
			if err := r.SetSize(sizes[h.Index]); err != nil {
				return hs, data, err
			}
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return hs, data, err
		}
		hs = append(hs, h)
		data = append(data, string(b))
	}
}

func TestNewcAndStripped(t *testing.T) {
	archive := newcEntry("./a", 0o100644, "hello") + stripped(3, "0123456789") + newcEntry("./dir", 0o40755, "") +
		stripped(0, "") + trailer()
	hs, data, err := readAll(t, archive, map[int]int64{3: 10})
	if err != io.EOF {
		t.Fatalf("ended with %v", err)
	}
	want := []string{"./a hello", "#3 0123456789", "./dir ", "#0 "}
	for i, h := range hs {
		name := h.Name
		if h.Stripped {
			name = fmt.Sprintf("#%d", h.Index)
		}
		if got := name + " " + data[i]; got != want[i] {
			t.Errorf("entry %d: %q, want %q", i, got, want[i])
		}
	}
	if len(hs) != len(want) {
		t.Errorf("%d entries, want %d", len(hs), len(want))
	}
}

func TestSkipsUnreadData(t *testing.T) {
	r := NewReader(strings.NewReader(newcEntry("./a", 0o100644, "abcdefg") + newcEntry("./b", 0o100644, "xy") + trailer()))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	h, err := r.Next()
	if err != nil || h.Name != "./b" {
		t.Fatalf("second entry %v %v", h, err)
	}
	if b, _ := io.ReadAll(r); string(b) != "xy" {
		t.Errorf("data %q", b)
	}
}

func TestMalformed(t *testing.T) {
	good := newcEntry("./a", 0o100644, "hello")
	cases := map[string]string{
		"bad entry magic":          "070707" + good[6:],
		"not a hex digit":          good[:20] + "g" + good[21:],
		"truncated in newc":        good[:50],
		"ends inside entry data":   good[:len(good)-4],
		"name size 0":              strings.Replace(good, "0000000400000000./a", "0000000000000000./a", 1),
		"not NUL-terminated":       strings.Replace(good, "./a\x00", "./ab", 1),
		"truncated in entry magic": good,
	}
	for want, archive := range cases {
		_, _, err := readAll(t, archive, nil)
		if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v", want, err)
		}
	}
	r := NewReader(strings.NewReader(stripped(1, "abc") + trailer()))
	r.Next()
	if _, err := r.Read(make([]byte, 4)); err == nil {
		t.Errorf("Read before SetSize accepted")
	}
}

// TestGNUCpioArchive reads an archive written by GNU cpio -H newc.
func TestGNUCpioArchive(t *testing.T) {
	testtool.Need(t, "cpio")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), bytes.Repeat([]byte("z"), 1001), 0o640)
	os.Symlink("f", filepath.Join(dir, "l"))
	cmd := exec.Command("sh", "-c", "printf 'f\\nl\\n' | cpio -o -H newc --quiet")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(bytes.NewReader(out))
	h, err := r.Next()
	if err != nil || h.Name != "f" || h.Mode != 0o100640 || h.Size != 1001 {
		t.Fatalf("first entry %+v %v", h, err)
	}
	h, err = r.Next()
	if err != nil || h.Name != "l" || h.Mode&0o170000 != 0o120000 {
		t.Fatalf("second entry %+v %v", h, err)
	}
	if b, _ := io.ReadAll(r); string(b) != "f" {
		t.Errorf("symlink data %q", b)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("after trailer: %v", err)
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte(newcEntry("./a", 0o100644, "hello") + stripped(2, "xyz") + trailer()))
	f.Add([]byte(stripped(0, "") + trailer()))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		for range 1000 {
			h, err := r.Next()
			if err != nil {
				if err != io.EOF && !errors.Is(err, ErrFormat) {
					t.Fatalf("error not wrapping ErrFormat: %v", err)
				}
				return
			}
			if h.Stripped {
				r.SetSize(int64(h.Index % 64))
			}
			io.Copy(io.Discard, r)
		}
	})
}
