package rpmdb

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/disco-build/disco/stages/rpm"
)

// extract lays the package's payload out under root as rpm would (mode,
// mtime, root ownership when running as root) so that rpm -V has files to
// check. Owners in the test packages are all root.
func extract(t *testing.T, root, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := rpm.Open(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	pr, err := p.Payload()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	for {
		e, err := pr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := place(filepath.Join(root, e.File.Path), e.File, pr); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
}

func place(dst string, f *rpm.File, content io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	perm := fs.FileMode(f.Mode & 0o7777)
	switch f.Mode & rpm.ModeTypeMask {
	case 0o040000:
		if err := os.MkdirAll(dst, perm); err != nil {
			return err
		}
	case 0o120000:
		return os.Symlink(f.LinkTo, dst)
	default:
		w, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm)
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, content); err != nil {
			w.Close()
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
	}
	if err := os.Chmod(dst, perm); err != nil {
		return err
	}
	mtime := time.Unix(int64(f.Mtime), 0)
	return os.Chtimes(dst, mtime, mtime)
}
