package legacy

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
)

// aptSources reads an apt/ folder: apt/sources.list (one-line format),
// then apt/sources.list.d/*.sources (deb822) and *.list (one-line), in byte
// order of name; other files are ignored, as apt ignores them. present is
// false when there is no apt/ folder.
func (r *reader) aptSources(dir string) (sources []aptSource, present bool, err error) {
	fi, ok, err := r.stat(dir)
	if err != nil || !ok {
		return nil, false, err
	}
	if !fi.IsDir() {
		return nil, true, plan.Errorf(plan.Pos{File: dir}, "must be a folder (is %s)", kind(fi))
	}
	var files []string
	if _, ok, err := r.stat(join(dir, "sources.list")); err != nil {
		return nil, true, err
	} else if ok {
		files = append(files, join(dir, "sources.list"))
	}
	names, err := r.optionalDir(join(dir, "sources.list.d"))
	if err != nil {
		return nil, true, err
	}
	for _, n := range names {
		if strings.HasSuffix(n, ".sources") || strings.HasSuffix(n, ".list") {
			files = append(files, join(dir, "sources.list.d", n))
		}
	}
	for _, rel := range files {
		data, _, err := r.file(rel)
		if err != nil {
			return nil, true, err
		}
		srcs, err := r.parseSources(rel, string(data))
		if err != nil {
			return nil, true, err
		}
		sources = append(sources, srcs...)
	}
	if len(sources) == 0 {
		return nil, true, plan.Errorf(plan.Pos{File: dir}, "no deb source: apt/ holds sources.list or sources.list.d/*.sources with at least one enabled deb entry")
	}
	return sources, true, nil
}

// aptRepos makes the machine's Debian repositories of its sources (the
// group's, then its own), resolving each Signed-By for the machine.
func (r *reader) aptRepos(m *plan.Machine, sources []aptSource) error {
	m.Format = plan.FormatDeb
	vars := Variables(r.absRoot(), r.absCache(), m)
	seen := map[string]int{}
	for _, s := range sources {
		// Files of the group and the machine may share a name (and so
		// their sources' names): later ones are numbered.
		name := s.name
		if seen[s.name]++; seen[s.name] > 1 {
			name = fmt.Sprintf("%s-%d", s.name, seen[s.name])
		}
		rp := plan.AptRepo{Pos: s.pos, Name: name, URIs: []string{s.uri}, Suite: s.suite, Components: s.components,
			Arch: s.arch, AllowUnsigned: s.allowInsecure, Trusted: s.trusted, AllowExpired: s.allowExpired}
		if s.inline != "" {
			k, err := plan.InlineKeyring(s.signedByPos, s.inline)
			if err != nil {
				return plan.Errorf(s.signedByPos, "%v", err)
			}
			rp.Keyrings = append(rp.Keyrings, k)
		}
		for _, ref := range s.signedBy {
			k, err := r.keyring(s.signedByPos, ref, vars)
			if err != nil {
				return err
			}
			rp.Keyrings = append(rp.Keyrings, k)
		}
		m.AptRepos = append(m.AptRepos, rp)
	}
	return nil
}

var fingerprint = regexp.MustCompile(`^(0x)?[0-9A-Fa-f]{16,40}!?$`)

// keyring resolves a Signed-By path, after substitution of the contract's
// variables: an absolute path inside the config root, or a path relative
// to it; read through configfs, so symlinks stay inside the root.
func (r *reader) keyring(pos plan.Pos, ref string, vars map[string]string) (plan.Keyring, error) {
	if fingerprint.MatchString(ref) {
		return plan.Keyring{}, plan.Errorf(pos, "Signed-By %s: a key fingerprint needs a system keyring, and disco reads only the keyrings a source names; give a keyring file of the config tree or the key inline", ref)
	}
	p := Substitute(ref, vars)
	if filepath.IsAbs(p) {
		rel, err := filepath.Rel(r.absRoot(), p)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			return plan.Keyring{}, plan.Errorf(pos, "Signed-By %s: not inside the config root; keep keyrings in the config tree (for instance ${configPath}/keys/)", ref)
		}
		p = filepath.ToSlash(rel)
	}
	config, err := r.configFS()
	if err != nil {
		return plan.Keyring{}, err
	}
	data, err := fs.ReadFile(config, p)
	if err != nil {
		return plan.Keyring{}, plan.Errorf(pos, "Signed-By %s: %v", ref, unwrapPath(err))
	}
	k, err := plan.KeyringFile(pos, p, data)
	if err != nil {
		return plan.Keyring{}, plan.Errorf(pos, "Signed-By: %v", err)
	}
	return k, nil
}

func (r *reader) absRoot() string {
	if a, err := filepath.Abs(r.root); err == nil {
		return a
	}
	return r.root
}

func (r *reader) absCache() string {
	if a, err := filepath.Abs(r.opts.Cache); err == nil {
		return a
	}
	return r.opts.Cache
}
