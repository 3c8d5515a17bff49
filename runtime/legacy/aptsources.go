package legacy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages/deb822"
)

// aptSource is one source of an apt sources file as read: a URI, a suite
// and its components, with the options that matter to disco. Its text
// keeps the contract's ${variables}, substituted at lock time; Signed-By
// is resolved for each machine (resolveKeyrings).
type aptSource struct {
	pos        plan.Pos
	name       string // <file base>-<suite>, unique within the file
	uri        string
	suite      string
	components []string
	arch       string
	// signedBy are Signed-By's paths (or fingerprints, refused later);
	// inline is a key block given in the field itself.
	signedBy      []string
	signedByPos   plan.Pos
	inline        string
	trusted       bool
	allowInsecure bool
	allowExpired  bool
}

// parseSources reads a sources file: deb822 (".sources") or one-line
// format (anything else: sources.list and sources.list.d/*.list), as
// sources.list(5) describes them. Only "deb" sources are kept (deb-src
// and disabled ones are notified); each URI and suite of an entry is a
// source of its own, as apt takes them.
func (r *reader) parseSources(rel, text string) ([]aptSource, error) {
	base := strings.TrimSuffix(strings.TrimSuffix(pathBase(rel), ".sources"), ".list")
	var out []aptSource
	var err error
	if strings.HasSuffix(rel, ".sources") {
		out, err = r.parseDeb822(rel, text)
	} else {
		out, err = r.parseOneLine(rel, text)
	}
	if err != nil {
		return nil, err
	}
	seen := map[string]int{}
	for i := range out {
		name := base + "-" + out[i].suite
		seen[name]++
		if n := seen[name]; n > 1 {
			name += fmt.Sprintf("-%d", n)
		}
		out[i].name = name
	}
	return out, nil
}

func pathBase(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// parseOneLine reads "deb [ options ] uri suite [component...]" lines;
// '#' starts a comment.
func (r *reader) parseOneLine(rel, text string) ([]aptSource, error) {
	var out []aptSource
	for i, line := range strings.Split(text, "\n") {
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		words := strings.Fields(line)
		if len(words) == 0 {
			continue
		}
		pos := plan.Pos{File: rel, Line: i + 1}
		typ := words[0]
		words = words[1:]
		opts, words, err := bracketOptions(words)
		if err != nil {
			return nil, plan.Errorf(pos, "%v", err)
		}
		if typ == "deb-src" {
			r.notify(pos, "deb-src sources are not used (disco installs binary packages); ignored")
			continue
		}
		if typ != "deb" {
			return nil, plan.Errorf(pos, "%q: an entry starts with deb or deb-src", typ)
		}
		if len(words) < 2 {
			return nil, plan.Errorf(pos, "want \"deb [ options ] uri suite component...\"")
		}
		s := aptSource{pos: pos, uri: words[0], suite: words[1], components: words[2:], signedByPos: pos}
		for _, o := range opts {
			if err := s.option(o.key, o.value, false); err != nil {
				return nil, plan.Errorf(pos, "%v", err)
			}
		}
		if !s.skip(r, pos) {
			out = append(out, s)
		}
	}
	return out, nil
}

type keyValue struct{ key, value string }

// bracketOptions splits "[ a=b c=d ]" off the front of words.
func bracketOptions(words []string) ([]keyValue, []string, error) {
	if len(words) == 0 || !strings.HasPrefix(words[0], "[") {
		return nil, words, nil
	}
	var text []string
	for i, w := range words {
		text = append(text, w)
		if strings.HasSuffix(w, "]") {
			inner := strings.TrimSuffix(strings.TrimPrefix(strings.Join(text, " "), "["), "]")
			var opts []keyValue
			for _, kv := range strings.Fields(inner) {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					return nil, nil, fmt.Errorf("option %q: want name=value", kv)
				}
				opts = append(opts, keyValue{k, v})
			}
			return opts, words[i+1:], nil
		}
	}
	return nil, nil, fmt.Errorf("options: no closing ']'")
}

// parseDeb822 reads the stanzas of a .sources file.
func (r *reader) parseDeb822(rel, text string) ([]aptSource, error) {
	sc := deb822.NewScanner(text, rel, deb822.Options{Comments: true})
	var out []aptSource
	for sc.Scan() {
		p := sc.Paragraph()
		pos := plan.Pos{File: rel, Line: p.Line}
		srcs, err := r.stanza(p, pos)
		if err != nil {
			return nil, err
		}
		out = append(out, srcs...)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// stanza turns one deb822 stanza into its sources: one per URI and suite.
func (r *reader) stanza(p *deb822.Paragraph, pos plan.Pos) ([]aptSource, error) {
	types := strings.Fields(p.Value("Types"))
	switch {
	case len(types) == 0:
		return nil, plan.Errorf(pos, "the stanza has no Types field")
	case !slices.Contains(types, "deb"):
		r.notify(pos, "a stanza of Types: %s only is not used (disco installs binary packages); ignored", strings.Join(types, " "))
		return nil, nil
	}
	uris, suites := strings.Fields(p.Value("URIs")), strings.Fields(p.Value("Suites"))
	if len(uris) == 0 || len(suites) == 0 {
		return nil, plan.Errorf(pos, "a stanza needs URIs and Suites")
	}
	tmpl := aptSource{pos: pos, components: strings.Fields(p.Value("Components")), signedByPos: pos}
	for _, f := range p.Fields {
		key := strings.ToLower(f.Name)
		switch key {
		case "types", "uris", "suites", "components":
			continue
		case "signed-by":
			tmpl.signedByPos = plan.Pos{File: pos.File, Line: f.Line}
			if strings.Contains(f.Value, "-----BEGIN PGP") {
				tmpl.inline = strings.TrimLeft(strings.Join(deb822.Lines(f.Value), "\n"), "\n") + "\n"
				continue
			}
		}
		if err := tmpl.option(key, f.Value, true); err != nil {
			return nil, plan.Errorf(plan.Pos{File: pos.File, Line: f.Line}, "%v", err)
		}
	}
	if tmpl.skip(r, pos) {
		return nil, nil
	}
	var out []aptSource
	for _, u := range uris {
		for _, s := range suites {
			src := tmpl
			src.uri, src.suite = u, s
			out = append(out, src)
		}
	}
	return out, nil
}

// disabled marks a source "Enabled: no" (deb822 only).
const disabled = "\x00disabled"

// option applies one option, named as deb822 fields name them (the
// one-line format's names are the same, in lower case, with "arch" for
// Architectures).
func (s *aptSource) option(key, value string, deb822 bool) error {
	key = strings.ToLower(key)
	switch key {
	case "arch", "architectures":
		archs := strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' })
		if len(archs) != 1 {
			return fmt.Errorf("%s %q: give one architecture (foreign architectures are not supported yet)", key, value)
		}
		s.arch = archs[0]
	case "signed-by":
		s.signedBy = strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' })
	case "trusted", "allow-insecure", "check-valid-until", "enabled":
		b, ok := aptBool(value)
		if !ok {
			return fmt.Errorf("%s %q: want yes or no", key, value)
		}
		switch key {
		case "trusted":
			s.trusted = b
		case "allow-insecure":
			s.allowInsecure = b
		case "check-valid-until":
			s.allowExpired = !b
		case "enabled":
			if !b {
				s.uri = disabled
			}
		}
	case "lang", "languages", "target", "targets", "pdiffs", "by-hash", "allow-weak", "allow-downgrade-to-insecure",
		"check-date", "date-max-future", "valid-until-min", "valid-until-max", "inrelease-path", "snapshot":
		// Options of apt's downloads that do not change what disco
		// resolves or checks.
	default:
		if deb822 && strings.HasPrefix(key, "x-") {
			return nil
		}
		return fmt.Errorf("unknown option %q", key)
	}
	return nil
}

// skip reports (and notifies) a source marked Enabled: no.
func (s *aptSource) skip(r *reader, pos plan.Pos) bool {
	if s.uri == disabled {
		r.notify(pos, "Enabled: no; ignored")
		return true
	}
	return false
}

// aptBool reads a boolean as apt's StringToBool does.
func aptBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "yes", "true", "with", "on", "enable", "1":
		return true, true
	case "no", "false", "without", "off", "disable", "0":
		return false, true
	}
	return false, false
}
