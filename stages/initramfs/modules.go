package initramfs

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Modules returns the modules named (e.g. "virtio_blk", "ext4") together
// with everything they depend on, as paths relative to modulesDir (a
// lib/modules/<version> directory), ordered so that every module comes
// after its dependencies: the order to load them in. Dependencies come
// from modulesDir/modules.dep (written by depmod); names are matched as
// the kernel does, with "-" and "_" the same. A name built into the kernel
// (listed in modules.builtin) needs no file and is left out; a name found
// in neither file is an error.
func Modules(modulesDir string, names []string) ([]string, error) {
	dep, err := readDep(filepath.Join(modulesDir, "modules.dep"))
	if err != nil {
		return nil, err
	}
	builtin, err := readBuiltin(filepath.Join(modulesDir, "modules.builtin"))
	if err != nil {
		return nil, err
	}
	r := resolver{dir: modulesDir, dep: dep, builtin: builtin, state: map[string]int{}}
	for _, n := range names {
		if err := r.visit(modName(n), nil); err != nil {
			return nil, err
		}
	}
	return r.order, nil
}

// depLine is one module of modules.dep.
type depLine struct {
	path string   // relative to the modules directory
	deps []string // module names
}

type resolver struct {
	dir     string
	dep     map[string]depLine
	builtin map[string]bool
	state   map[string]int // 1 visiting, 2 done
	order   []string
}

// visit appends name after its dependencies (depth first, in modules.dep order).
func (r *resolver) visit(name string, chain []string) error {
	switch r.state[name] {
	case 1:
		return fmt.Errorf("initramfs: %s/modules.dep: dependency cycle %s -> %s", r.dir, strings.Join(chain, " -> "), name)
	case 2:
		return nil
	}
	d, ok := r.dep[name]
	if !ok {
		if r.builtin[name] {
			r.state[name] = 2
			return nil
		}
		via := ""
		if len(chain) > 0 {
			via = " (needed by " + strings.Join(chain, " -> ") + ")"
		}
		return fmt.Errorf("initramfs: module %s%s is not in %s/modules.dep nor modules.builtin", name, via, r.dir)
	}
	r.state[name] = 1
	for _, dn := range d.deps {
		if err := r.visit(dn, append(chain, name)); err != nil {
			return err
		}
	}
	r.state[name] = 2
	r.order = append(r.order, d.path)
	return nil
}

func readDep(file string) (map[string]depLine, error) {
	out := map[string]depLine{}
	err := eachLine(file, func(n int, line string) error {
		p, deps, ok := strings.Cut(line, ":")
		if !ok || !isRelModPath(p) {
			return fmt.Errorf("line %d: want \"kernel/.../name.ko: deps...\", got %q", n, line)
		}
		d := depLine{path: p}
		for _, dp := range strings.Fields(deps) {
			if !isRelModPath(dp) {
				return fmt.Errorf("line %d: bad dependency %q", n, dp)
			}
			d.deps = append(d.deps, modName(dp))
		}
		out[modName(p)] = d
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("initramfs: %s: %w", file, err)
	}
	return out, nil
}

func readBuiltin(file string) (map[string]bool, error) {
	out := map[string]bool{}
	err := eachLine(file, func(_ int, line string) error {
		out[modName(line)] = true
		return nil
	})
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("initramfs: %s: %w", file, err)
	}
	return out, nil
}

func eachLine(file string, fn func(n int, line string) error) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			if err := fn(n, l); err != nil {
				return err
			}
		}
	}
	return sc.Err()
}

// isRelModPath accepts a clean relative path to a .ko, .ko.xz, .ko.zst or .ko.gz file.
func isRelModPath(p string) bool {
	return p != "" && !path.IsAbs(p) && path.Clean(p) == p && !strings.HasPrefix(p, "../") &&
		strings.Contains(path.Base(p), ".ko")
}

// modName is the kernel's name of a module path or name: the file name
// without .ko and compression suffix, "-" read as "_".
func modName(p string) string {
	b := path.Base(p)
	if i := strings.Index(b, ".ko"); i >= 0 {
		b = b[:i]
	}
	return strings.ReplaceAll(b, "-", "_")
}
