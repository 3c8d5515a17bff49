package dpkgdb

import (
	"fmt"
	"strings"

	"github.com/disco-build/disco/stages/deb822"
)

// fieldKind says how a field dpkg knows is read and written.
type fieldKind int

const (
	fChar            fieldKind = iota // stored and written as is; omitted when empty
	fName                             // Package: lower-cased
	fBool                             // yes/no; written only when yes
	fStatus                           // from the record, not the control file
	fPriority                         // known words canonical, "unknown" omitted, others as is
	fArch                             // as is
	fMultiArch                        // no/same/allowed/foreign; written unless no
	fVersion                          // written without a 0 epoch
	fConfigVersion                    // from the record
	fRelations                        // reformatted
	fRelationsNoAlt                   // reformatted, no alternatives allowed
	fConffiles                        // from the record
	fArchives                         // Filename, Size, MD5sum, MSDOS-Filename: not in the status file
	fTriggersPending                  // from the record
	fTriggersAwaited                  // from the record
	fObsolete                         // obsolete fields dpkg remaps: refused here
)

type fieldInfo struct {
	name string
	kind fieldKind
}

// fieldInfos are dpkg's known fields in the order it writes them
// (lib/dpkg/parse.c fieldinfos[]).
var fieldInfos = []fieldInfo{
	{"Package", fName}, {"Essential", fBool}, {"Protected", fBool}, {"Status", fStatus},
	{"Priority", fPriority}, {"Section", fChar}, {"Installed-Size", fChar}, {"Origin", fChar},
	{"Maintainer", fChar}, {"Bugs", fChar}, {"Architecture", fArch}, {"Multi-Arch", fMultiArch},
	{"Source", fChar}, {"Version", fVersion}, {"Config-Version", fConfigVersion},
	{"Replaces", fRelationsNoAlt}, {"Provides", fRelationsNoAlt}, {"Depends", fRelations},
	{"Pre-Depends", fRelations}, {"Recommends", fRelations}, {"Suggests", fRelations},
	{"Breaks", fRelationsNoAlt}, {"Conflicts", fRelationsNoAlt}, {"Enhances", fRelations},
	{"Conffiles", fConffiles}, {"Filename", fArchives}, {"Size", fArchives}, {"MD5sum", fArchives},
	{"MSDOS-Filename", fArchives}, {"Description", fChar}, {"Triggers-Pending", fTriggersPending},
	{"Triggers-Awaited", fTriggersAwaited},
	{"Recommended", fObsolete}, {"Optional", fObsolete}, {"Class", fObsolete}, {"Revision", fObsolete},
	{"Package-Revision", fObsolete}, {"Package_Revision", fObsolete},
}

func lookupField(name string) (fieldInfo, bool) {
	for _, f := range fieldInfos {
		if strings.EqualFold(f.name, name) {
			return f, true
		}
	}
	return fieldInfo{}, false
}

// nameValue finds s among names as dpkg's parse_nv does: case-insensitive,
// only white space after the word.
func nameValue(s string, names ...string) (string, bool) {
	for _, n := range names {
		if len(s) >= len(n) && strings.EqualFold(s[:len(n)], n) && strings.TrimSpace(s[len(n):]) == "" {
			return n, true
		}
	}
	return "", false
}

// Stanza writes a package's status file paragraph as dpkg's varbuf_stanza
// does for an installed package: the fields dpkg knows in its own order,
// normalised as dpkg stores them (see the field kinds above), with the
// record's Status, Config-Version, Conffiles and trigger fields, then the
// other fields of the control file in their order, as written.
func Stanza(p *Package) (string, error) {
	fields, err := p.fields()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, fi := range fieldInfos {
		line, err := p.knownField(fi, fields[strings.ToLower(fi.name)])
		if err != nil {
			return "", fmt.Errorf("package %s: %w", p.Name(), err)
		}
		b.WriteString(line)
	}
	for _, f := range p.Control.Fields {
		if _, known := lookupField(f.Name); !known {
			b.WriteString(f.Name + ": " + f.Value + "\n")
		}
	}
	return b.String(), nil
}

// fields indexes the control file's known fields, refusing those a
// package's control file may not hold.
func (p *Package) fields() (map[string]*deb822.Field, error) {
	m := map[string]*deb822.Field{}
	for i := range p.Control.Fields {
		f := &p.Control.Fields[i]
		fi, known := lookupField(f.Name)
		if !known {
			if len(f.Name) < 2 {
				return nil, fmt.Errorf("package %s: user-defined field name '%s' too short", p.Name(), f.Name)
			}
			continue
		}
		switch fi.kind {
		case fStatus, fConfigVersion, fConffiles, fTriggersPending, fTriggersAwaited:
			return nil, fmt.Errorf("package %s: value for '%s' field not allowed in this context", p.Name(), fi.name)
		case fObsolete:
			return nil, fmt.Errorf("package %s: obsolete '%s' field not supported", p.Name(), f.Name)
		}
		m[strings.ToLower(fi.name)] = f
	}
	return m, nil
}

func line(name, value string) string { return name + ": " + value + "\n" }

// knownField writes one field dpkg knows, or "" when dpkg writes nothing.
func (p *Package) knownField(fi fieldInfo, f *deb822.Field) (string, error) {
	switch fi.kind {
	case fStatus:
		return line(fi.name, p.status()), nil
	case fConfigVersion:
		return p.configVersion()
	case fConffiles:
		return p.conffiles(), nil
	case fTriggersPending:
		return triggerLine(fi.name, p.TriggersPending), nil
	case fTriggersAwaited:
		return triggerLine(fi.name, p.TriggersAwaited), nil
	}
	if f == nil || fi.kind == fArchives {
		return "", nil
	}
	v := f.Value
	switch fi.kind {
	case fName:
		return line(fi.name, strings.ToLower(v)), nil
	case fChar, fArch:
		if v == "" {
			return "", nil
		}
		return line(fi.name, v), nil
	case fBool:
		w, ok := nameValue(v, "no", "yes")
		if v != "" && !ok {
			return "", fmt.Errorf("boolean (yes/no) '%s' field: has invalid value '%s'", fi.name, v)
		}
		if w != "yes" {
			return "", nil
		}
		return line(fi.name, w), nil
	case fMultiArch:
		w, ok := nameValue(v, "no", "same", "allowed", "foreign")
		if v != "" && !ok {
			return "", fmt.Errorf("quadstate (foreign/allowed/same/no) '%s' field: has invalid value '%s'", fi.name, v)
		}
		if w == "" || w == "no" {
			return "", nil
		}
		return line(fi.name, w), nil
	case fPriority:
		return priority(fi.name, v)
	case fVersion:
		ver, err := parseVersion(v)
		if err != nil {
			return "", fmt.Errorf("'%s' field value '%s': %w", fi.name, v, err)
		}
		return line(fi.name, ver.String()), nil
	case fRelations, fRelationsNoAlt:
		kind := depPlain
		if fi.kind == fRelationsNoAlt {
			kind = depNoAlternatives
		}
		s, err := formatRelations(fi.name, v, kind)
		if err != nil || s == "" {
			return "", err
		}
		return line(fi.name, s), nil
	}
	return "", fmt.Errorf("field %s: unhandled kind %d", fi.name, fi.kind)
}

// priority applies f_priority: a known word, case-insensitively, is
// written canonically; any other value as is ("unknown" too: dpkg 1.21's
// table no longer has it, whatever its sources say).
func priority(name, v string) (string, error) {
	if v == "" {
		return "", nil
	}
	known := []string{"required", "important", "standard", "optional", "extra"}
	for _, k := range known {
		if len(v) >= len(k) && strings.EqualFold(v[:len(k)], k) {
			if strings.TrimSpace(v[len(k):]) != "" {
				return "", fmt.Errorf("word in '%s' field: has trailing junk", name)
			}
			return line(name, k), nil
		}
	}
	return line(name, v), nil
}

func triggerLine(name string, list []string) string {
	if len(list) == 0 {
		return ""
	}
	return name + ": " + strings.Join(list, " ") + "\n"
}
