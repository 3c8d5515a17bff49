package scriptlet

import (
	"os"
	"path/filepath"
)

// leftovers is the parent's cleanup after the helper: the folders the
// helper may create (the mount points /dev and /proc, /var/tmp for the
// script file), noted before the run, are removed after it when they were
// absent before and are empty now (the jail's mounts went with its
// namespace), along with a script file a killed sandbox left in /var/tmp.
// Paths are checked with Lstat, component by component, so a symbolic
// link in the image is never followed on the host.
type leftovers struct {
	root   string
	absent []string // relative paths, parents first
}

var helperDirs = []string{"dev", "proc", "var", "var/tmp"}

func leftoverCheck(root string) leftovers {
	l := leftovers{root: root}
	for _, d := range helperDirs {
		if _, err := os.Lstat(filepath.Join(root, d)); os.IsNotExist(err) {
			l.absent = append(l.absent, d)
		}
	}
	return l
}

func (l leftovers) clean(tmpName string) {
	if isDir(filepath.Join(l.root, "var")) && isDir(filepath.Join(l.root, "var/tmp")) {
		os.Remove(filepath.Join(l.root, "var/tmp", tmpName))
	}
	for i := len(l.absent) - 1; i >= 0; i-- {
		if p := filepath.Join(l.root, l.absent[i]); isDir(p) {
			os.Remove(p) // fails, as it should, when not empty
		}
	}
}

func isDir(p string) bool {
	fi, err := os.Lstat(p)
	return err == nil && fi.IsDir()
}
