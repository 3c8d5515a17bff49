package legacy

import "github.com/disco-build/disco/runtime/plan"

// scriptlets reads a generator-scriptlets folder: every file (or symlink
// to one) whose name does not start with '.', in byte order.
func (r *reader) scriptlets(dir, level string) ([]plan.Scriptlet, error) {
	names, err := r.optionalDir(dir)
	if err != nil {
		return nil, err
	}
	var out []plan.Scriptlet
	for _, n := range names {
		rel := join(dir, n)
		data, _, err := r.file(rel)
		if err != nil {
			return nil, err
		}
		out = append(out, plan.Scriptlet{Pos: plan.Pos{File: rel}, Name: n, Level: level,
			Path: rel, SHA256: sha256Hex(data)})
	}
	return out, nil
}
