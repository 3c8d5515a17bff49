package rpm

import (
	"fmt"
	"strings"
)

// ValidatePath checks that a path from package pkg is safe to place under
// an install root: absolute, no NUL, no empty, "." or ".." components, no
// trailing slash. The error names the package and the path.
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
	for _, c := range strings.Split(path[1:], "/") {
		switch c {
		case "":
			return bad("empty component")
		case ".", "..":
			return bad("has a " + c + " component")
		}
	}
	return nil
}

// ValidatePaths checks every path of the package's file list.
func (p *Package) ValidatePaths() error {
	files, err := p.Files()
	if err != nil {
		return err
	}
	for i := range files {
		if err := ValidatePath(p.NEVRA(), files[i].Path); err != nil {
			return err
		}
	}
	return nil
}
