package legacy

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
)

// machine reads one machine folder of g.
func (r *reader) machine(g groupRef, sh *shared, name string) (*plan.Machine, error) {
	dir := join(g.rel, "machines", name)
	pos := plan.Pos{File: dir}
	if err := plan.CheckName(name); err != nil {
		return nil, plan.Errorf(pos, "%v", err)
	}
	m := &plan.Machine{Pos: pos, Name: name, Group: g.name, Source: plan.SourceLegacy}
	var errs []error
	if err := r.repositories(m, sh, dir); err != nil {
		errs = append(errs, err)
	}
	for _, step := range []func(*plan.Machine, string) error{r.packages, r.init} {
		if err := step(m, dir); err != nil {
			errs = append(errs, err)
		}
	}
	if err := r.machineParts(m, g, sh, dir); err != nil {
		errs = append(errs, err)
	}
	if err := r.bootAndTest(m, g, dir); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

// machineParts adds the group's and the machine's devices, overlays and
// scriptlets, in that order.
func (r *reader) machineParts(m *plan.Machine, g groupRef, sh *shared, dir string) error {
	devices, err := r.devices(join(dir, "devices"))
	if err != nil {
		return err
	}
	var notices []Notice
	m.Devices, notices = mergeDevices(sh.devices, devices)
	for _, n := range notices {
		if r.opts.Notify != nil {
			r.opts.Notify(n)
		}
	}
	overlays, err := r.overlays(join(dir, "root-overlays"), "machine")
	if err != nil {
		return err
	}
	scriptlets, err := r.scriptlets(join(dir, "generator-scriptlets"), "machine")
	if err != nil {
		return err
	}
	m.Scriptlets = append(append([]plan.Scriptlet(nil), sh.scriptlets...), scriptlets...)
	groupOverlays := append([]plan.Overlay(nil), sh.overlays...)
	if len(m.Scriptlets) > 0 {
		groupOverlays = withGenerated(groupOverlays, "group", "cache:"+g.name+"/generated", g.rel)
		overlays = withGenerated(overlays, "machine", "cache:"+g.name+"/"+m.Name+"/generated", dir)
	}
	m.Overlays = append(groupOverlays, overlays...)
	return nil
}

// repositories reads where the machine's packages come from: yum/ (RPM),
// or the apt sources of the group's apt/ folder and its own (Debian). A
// machine with yum/ in a group with apt sources, or with both folders, is
// an error: a machine takes its packages from one format.
func (r *reader) repositories(m *plan.Machine, sh *shared, dir string) error {
	own, ownApt, err := r.aptSources(join(dir, "apt"))
	if err != nil {
		return err
	}
	_, hasYum, err := r.stat(join(dir, "yum"))
	if err != nil {
		return err
	}
	sources := append(append([]aptSource(nil), sh.apt...), own...)
	switch {
	case hasYum && len(sources) > 0:
		return plan.Errorf(plan.Pos{File: join(dir, "yum")}, "the machine has yum/ (RPM) and apt sources (Debian, at %s); a machine takes its packages from one format", sources[0].pos)
	case ownApt || len(sources) > 0:
		return r.aptRepos(m, sources)
	}
	return r.yum(m, dir)
}

// packages reads the packages file. An RPM machine always gets "setup",
// first, unless the file lists it. A Debian machine's "@VARIANT" lines name
// package sets (mmdebstrap's variants, plan.DebVariants); without one it
// gets "@essential", first, as every Debian system has the Essential
// packages.
func (r *reader) packages(m *plan.Machine, dir string) error {
	rel := join(dir, "packages")
	data, ok, err := r.file(rel)
	if err != nil {
		return err
	}
	if !ok {
		return plan.Errorf(plan.Pos{File: rel}, "missing packages file: a machine lists the packages it installs here")
	}
	deb := m.Format == plan.FormatDeb
	hasBase := false
	for i, line := range strings.Split(string(data), "\n") {
		s := strings.TrimSpace(line)
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		pos := plan.Pos{File: rel, Line: i + 1}
		if strings.ContainsAny(s, " \t") {
			return plan.Errorf(pos, "%q: one package name per line", s)
		}
		p := plan.Package{Pos: pos, Name: s}
		if deb && strings.HasPrefix(s, "@") {
			p = plan.Package{Pos: pos, Name: s[1:], Set: true}
		}
		hasBase = hasBase || p.Set || !deb && s == "setup"
		m.Packages = append(m.Packages, p)
	}
	if !hasBase {
		base := plan.Package{Pos: plan.Pos{File: rel}, Name: "setup"}
		if deb {
			base = plan.Package{Pos: plan.Pos{File: rel}, Name: "essential", Set: true}
		}
		m.Packages = append([]plan.Package{base}, m.Packages...)
	}
	return nil
}

// init reads the init program, which must be an executable file.
func (r *reader) init(m *plan.Machine, dir string) error {
	rel := join(dir, "init")
	pos := plan.Pos{File: rel}
	fi, ok, err := r.stat(rel)
	switch {
	case err != nil:
		return err
	case !ok:
		return plan.Errorf(pos, "missing init: a machine needs an executable init program (file or symlink)")
	case !fi.Mode().IsRegular():
		return plan.Errorf(pos, "init must be an executable file (is %s)", kind(fi))
	case fi.Mode()&0o111 == 0:
		return plan.Errorf(pos, "init is not executable (mode %04o): chmod +x it", fi.Mode().Perm())
	}
	data, err := r.readFile(rel)
	if err != nil {
		return err
	}
	m.Init = &plan.Init{Pos: pos, Source: rel, SHA256: sha256Hex(data), Path: plan.DefaultInitPath}
	return nil
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
