package deb

import (
	"fmt"
	"strings"
)

// ScriptNames are the maintainer scripts, in the order of a package's
// first installation (config runs before preinst when debconf preconfigures).
var ScriptNames = []string{"config", "preinst", "postinst", "prerm", "postrm"}

// Script is one maintainer script.
type Script struct {
	Name string // "preinst", "postinst", "prerm", "postrm", "config"
	Body string
	Mode uint32 // dpkg runs the file itself: it must be executable
}

// Interpreter is the program and argument of the script's "#!" line, nil
// when it has none (dpkg then fails to run it).
func (s Script) Interpreter() []string {
	if !strings.HasPrefix(s.Body, "#!") {
		return nil
	}
	line, _, _ := strings.Cut(s.Body[2:], "\n")
	line = strings.TrimSpace(line)
	if line == "" {
		return nil
	}
	prog, arg, found := strings.Cut(line, " ")
	if !found {
		return []string{prog}
	}
	return []string{prog, strings.TrimSpace(arg)} // Linux passes the rest as one argument
}

// Scripts lists the maintainer scripts present, in ScriptNames order.
func (p *Package) Scripts() []Script {
	var out []Script
	for _, n := range ScriptNames {
		if s, ok := p.Script(n); ok {
			out = append(out, s)
		}
	}
	return out
}

// Script returns the named maintainer script.
func (p *Package) Script(name string) (Script, bool) {
	f, ok := p.File(name)
	if !ok {
		return Script{}, false
	}
	return Script{Name: name, Body: string(f.Data), Mode: f.Mode}, true
}

// MD5Sum is one line of the md5sums control file.
type MD5Sum struct {
	Path string // absolute ("/usr/bin/x"; the file lists it relative)
	Sum  string // hex MD5
}

// MD5Sums parses the md5sums control file ("hash  path" lines, the path
// relative to the root); nil when the package has none.
func (p *Package) MD5Sums() ([]MD5Sum, error) {
	f, ok := p.File("md5sums")
	if !ok {
		return nil, nil
	}
	var out []MD5Sum
	for no, line := range strings.Split(strings.TrimSuffix(string(f.Data), "\n"), "\n") {
		if line == "" {
			continue
		}
		sum, path, ok := strings.Cut(line, " ")
		path = strings.TrimLeft(path, " *")
		if !ok || len(sum) != 32 || strings.Trim(sum, "0123456789abcdef") != "" || path == "" {
			return nil, fmt.Errorf("package %s: md5sums:%d: malformed line %q", p.ID(), no+1, line)
		}
		out = append(out, MD5Sum{Path: "/" + skipSlashDot(path), Sum: sum})
	}
	return out, nil
}

// Trigger is one directive of the triggers control file.
type Trigger struct {
	// Interest is true for interest directives, false for activations.
	Interest bool
	// Await is false for the -noawait forms.
	Await bool
	// Name is the trigger: a path for a file trigger (it starts with
	// "/"), otherwise an explicit trigger name.
	Name string
}

// IsFile reports a file trigger.
func (t Trigger) IsFile() bool { return strings.HasPrefix(t.Name, "/") }

var triggerDirectives = map[string]Trigger{
	"interest":         {Interest: true, Await: true},
	"interest-await":   {Interest: true, Await: true},
	"interest-noawait": {Interest: true},
	"activate":         {Await: true},
	"activate-await":   {Await: true},
	"activate-noawait": {},
}

// Triggers parses the triggers control file as dpkg's trig_parse_ci does:
// "#" comment lines and blank lines skipped, each other line a directive
// and a trigger name of printable ASCII without spaces.
func (p *Package) Triggers() ([]Trigger, error) {
	f, ok := p.File("triggers")
	if !ok {
		return nil, nil
	}
	return ParseTriggers(string(f.Data))
}

// ParseTriggers parses the text of a triggers control file.
func ParseTriggers(text string) ([]Trigger, error) {
	var out []Trigger
	for no, line := range strings.Split(text, "\n") {
		line = strings.Trim(line, " \t\r\v\f")
		if line == "" || line[0] == '#' {
			continue
		}
		cmd, name, found := strings.Cut(line, " ")
		if c, n, f := strings.Cut(line, "\t"); f && (!found || len(c) < len(cmd)) {
			cmd, name, found = c, n, f
		}
		if !found {
			return nil, fmt.Errorf("triggers:%d: triggers ci file contains unknown directive syntax", no+1)
		}
		t, ok := triggerDirectives[cmd]
		if !ok {
			return nil, fmt.Errorf("triggers:%d: triggers ci file contains unknown directive '%s'", no+1, cmd)
		}
		t.Name = strings.TrimLeft(name, " \t\r\v\f")
		for i := 0; i < len(t.Name); i++ {
			if c := t.Name[i]; c <= ' ' || c >= 0o177 {
				return nil, fmt.Errorf("triggers:%d: trigger name %q contains invalid character", no+1, t.Name)
			}
		}
		if t.Name == "" {
			return nil, fmt.Errorf("triggers:%d: empty trigger names are not permitted", no+1)
		}
		out = append(out, t)
	}
	return out, nil
}
