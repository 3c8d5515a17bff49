package deb

import (
	"fmt"
	"strings"
)

// skipSlashDot drops leading "/" and "./" pairs, as dpkg's
// path_skip_slash_dotslash does before it records a name.
func skipSlashDot(s string) string {
	for {
		switch {
		case strings.HasPrefix(s, "/"):
			s = s[1:]
		case strings.HasPrefix(s, "./"):
			s = s[2:]
		default:
			return s
		}
	}
}

// entryPath maps an archive name to the path it installs at and the name
// dpkg records in the package's file list: dpkg drops leading "/" and "./"
// and puts one "/" in front, so "./usr/bin/x", "/usr/bin/x" and
// "usr/bin/x" are all "/usr/bin/x", and the archive's top folder "./" is
// "/." in the list. What remains must be a clean relative path: no empty,
// "." or ".." components (dpkg itself would follow a ".." out of its
// root), no newline (which dpkg refuses, as its file lists are
// line-based).
func entryPath(name string) (path, list string, err error) {
	if strings.IndexByte(name, '\n') >= 0 {
		return "", "", fmt.Errorf("newline not allowed in archive object name")
	}
	rest := skipSlashDot(name)
	if rest == "" || rest == "." {
		return "/", "/" + rest, nil
	}
	for _, c := range strings.Split(rest, "/") {
		switch c {
		case "":
			return "", "", fmt.Errorf("empty path component")
		case ".", "..":
			return "", "", fmt.Errorf("%q path component", c)
		}
	}
	return "/" + rest, "/" + rest, nil
}

// ValidatePath checks that an absolute path from package pkg is safe to
// place under an install root, the rule entries of the data archive are
// held to: absolute, no NUL or newline, no empty, "." or ".." components,
// no trailing slash. The error names the package and the path.
func ValidatePath(pkg, path string) error {
	bad := func(why string) error {
		return fmt.Errorf("package %s: unsafe file path %q: %s", pkg, path, why)
	}
	if !strings.HasPrefix(path, "/") {
		return bad("not absolute")
	}
	if strings.IndexByte(path, 0) >= 0 {
		return bad("contains NUL")
	}
	if path == "/" {
		return nil
	}
	p, _, err := entryPath(path)
	if err != nil {
		return bad(err.Error())
	}
	if p != path {
		return bad("not clean")
	}
	return nil
}
