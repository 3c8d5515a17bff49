package legacy

import (
	"strings"

	"github.com/disco-build/disco/runtime/plan"
)

// yum reads yum/yum.conf.template (required), yum/repositories/*.repo and
// checks that yum/plugins/ is empty.
func (r *reader) yum(m *plan.Machine, dir string) error {
	tpl := join(dir, "yum", "yum.conf.template")
	data, ok, err := r.file(tpl)
	if err != nil {
		return err
	}
	if !ok {
		return plan.Errorf(plan.Pos{File: tpl}, "missing yum.conf.template: a machine needs yum/yum.conf.template (usually a symlink to templates/machines/yum)")
	}
	m.YumConf = &plan.YumConf{Pos: plan.Pos{File: tpl}, Path: tpl, Template: string(data)}
	m.Releasever = releasever(string(data))
	if m.Repos, err = r.repos(join(dir, "yum", "repositories")); err != nil {
		return err
	}
	return r.plugins(join(dir, "yum", "plugins"))
}

// repos reads the *.repo files of a folder, byte order; other files are
// ignored, as the seed's *.repo glob ignored them.
func (r *reader) repos(dir string) ([]plan.Repo, error) {
	names, err := r.optionalDir(dir)
	if err != nil {
		return nil, err
	}
	var repos []plan.Repo
	for _, n := range names {
		if !strings.HasSuffix(n, ".repo") {
			continue
		}
		rel := join(dir, n)
		data, _, err := r.file(rel)
		if err != nil {
			return nil, err
		}
		repos = append(repos, plan.Repo{Pos: plan.Pos{File: rel}, ID: n, RepoFile: rel, Content: string(data)})
	}
	return repos, nil
}

// plugins notifies a non-empty yum/plugins/: disco runs no yum plugins.
func (r *reader) plugins(dir string) error {
	names, err := r.optionalDir(dir)
	if err != nil {
		return err
	}
	if len(names) > 0 {
		r.notify(plan.Pos{File: dir}, "yum plugins are not supported; ignored: %s", strings.Join(names, " "))
	}
	return nil
}

// optionalDir lists a folder that may be missing ("none"); anything other
// than a folder there is an error.
func (r *reader) optionalDir(dir string) ([]string, error) {
	fi, ok, err := r.stat(dir)
	if err != nil || !ok {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, plan.Errorf(plan.Pos{File: dir}, "must be a folder (is %s)", kind(fi))
	}
	return r.names(dir)
}

// releasever returns a literal releasever= of the template's [main] section
// (or before any section); a value using $variables is left to the build.
func releasever(tpl string) string {
	section := "main"
	for _, line := range strings.Split(tpl, "\n") {
		s := strings.TrimSpace(line)
		if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			section = strings.TrimSpace(s[1 : len(s)-1])
			continue
		}
		key, value, ok := strings.Cut(s, "=")
		if !ok || section != "main" || strings.TrimSpace(key) != "releasever" {
			continue
		}
		value = strings.TrimSpace(value)
		if value != "" && !strings.Contains(value, "$") {
			return value
		}
	}
	return ""
}
