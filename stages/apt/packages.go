package apt

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/disco-build/disco/stages/deb822"
	"github.com/disco-build/disco/stages/debver"
)

// ParsePackages reads a Packages index (its decompressed text) into
// packages, in index order. Every package must have a valid Package name,
// Version, Architecture, Filename, Size and SHA256; relation fields must
// parse (no architecture or build-profile restrictions: those belong to
// source packages); Multi-Arch must be one of same, foreign, allowed, no.
// Errors read "file:line: package name: field: reason".
func ParsePackages(text, file string) ([]*Package, error) {
	var out []*Package
	err := parsePackages(text, file, 1, func(p *Package) { out = append(out, p) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// parsePackages hands each package of text, a part of file starting at
// line firstLine, to each.
func parsePackages(text, file string, firstLine int, each func(*Package)) error {
	sc := deb822.NewScanner(text, file, deb822.Options{FirstLine: firstLine})
	for sc.Scan() {
		p, err := packageFrom(sc.Paragraph(), file)
		if err != nil {
			return err
		}
		each(p)
	}
	return sc.Err()
}

// fieldIndex numbers the fields a Package keeps; lookups go through it
// without regard to case.
var fieldIndex = map[string]int{}

const (
	fPackage = iota
	fVersion
	fArchitecture
	fMultiArch
	fEssential
	fProtected
	fPriority
	fSection
	fSource
	fProvides
	fFilename
	fSize
	fSHA256
	fInstalledSize
	fDescription
	fRelations // then one per relationFields entry
	nFields    = fRelations + len(relationFields)
)

func init() {
	names := []string{"Package", "Version", "Architecture", "Multi-Arch", "Essential", "Protected", "Priority",
		"Section", "Source", "Provides", "Filename", "Size", "SHA256", "Installed-Size", "Description"}
	names = append(names, relationFields[:]...)
	for i, n := range names {
		fieldIndex[n] = i
		fieldIndex[strings.ToLower(n)] = i
	}
}

// pickFields files the paragraph's fields by fieldIndex.
func pickFields(p *deb822.Paragraph, out *[nFields]*deb822.Field) {
	*out = [nFields]*deb822.Field{}
	for i := range p.Fields {
		f := &p.Fields[i]
		k, ok := fieldIndex[f.Name]
		if !ok && len(f.Name) <= 64 {
			var low [64]byte
			for j := 0; j < len(f.Name); j++ {
				c := f.Name[j]
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				low[j] = c
			}
			k, ok = fieldIndex[string(low[:len(f.Name)])] // no allocation
		}
		if ok {
			out[k] = f
		}
	}
}

// fieldError is a problem with one field of a package.
func fieldError(file string, f *deb822.Field, line int, pkg, msg string) error {
	name := "paragraph"
	if f != nil {
		name, line = f.Name, f.Line
	}
	if pkg != "" {
		return fmt.Errorf("%s:%d: package %s: %s: %s", file, line, pkg, name, msg)
	}
	return fmt.Errorf("%s:%d: %s: %s", file, line, name, msg)
}

func packageFrom(para *deb822.Paragraph, file string) (*Package, error) {
	var f [nFields]*deb822.Field
	pickFields(para, &f)
	val := func(i int) string {
		if f[i] == nil {
			return ""
		}
		return f[i].Value
	}
	p := &Package{Name: val(fPackage)}
	fail := func(i int, format string, args ...any) error {
		return fieldError(file, f[i], para.Line, p.Name, fmt.Sprintf(format, args...))
	}
	for _, req := range requiredFields {
		if val(req.field) == "" {
			return nil, fieldError(file, nil, para.Line, p.Name, "no "+req.name+" field")
		}
	}
	if err := debver.CheckName(p.Name); err != nil {
		return nil, fail(fPackage, "%v", err)
	}
	var err error
	if p.Version, err = debver.Parse(val(fVersion)); err != nil {
		return nil, fail(fVersion, "%v", err)
	}
	p.Architecture = val(fArchitecture)
	if strings.ContainsAny(p.Architecture, " \t\n") {
		return nil, fail(fArchitecture, "more than one architecture %q", p.Architecture)
	}
	if err := p.scalars(val); err != nil {
		return nil, fail(err.field, "%s", err.msg)
	}
	if err := p.source(val(fSource)); err != nil {
		return nil, fail(fSource, "%v", err)
	}
	for i, l := range relationLists(p) {
		if *l, err = debver.ParseRelations(val(fRelations+i), debver.ParseOptions{}); err != nil {
			return nil, fail(fRelations+i, "%v", err)
		}
	}
	if p.Provides, err = parseProvides(val(fProvides)); err != nil {
		return nil, fail(fProvides, "%v", err)
	}
	return p, nil
}

var requiredFields = []struct {
	field int
	name  string
}{{fPackage, "Package"}, {fVersion, "Version"}, {fArchitecture, "Architecture"}, {fFilename, "Filename"}, {fSize, "Size"}, {fSHA256, "SHA256"}}

type scalarError struct {
	field int
	msg   string
}

// scalars reads the single-value fields.
func (p *Package) scalars(val func(int) string) *scalarError {
	switch ma := val(fMultiArch); ma {
	case "", "no":
	case "same", "foreign", "allowed":
		p.MultiArch = ma
	default:
		return &scalarError{fMultiArch, fmt.Sprintf("unknown Multi-Arch type %q", ma)}
	}
	var ok bool
	if p.Essential, ok = yesNo(val(fEssential)); !ok {
		return &scalarError{fEssential, fmt.Sprintf("%q is not yes or no", val(fEssential))}
	}
	if p.Protected, ok = yesNo(val(fProtected)); !ok {
		return &scalarError{fProtected, fmt.Sprintf("%q is not yes or no", val(fProtected))}
	}
	p.Priority, p.Section = val(fPriority), val(fSection)
	p.Filename = val(fFilename)
	if strings.ContainsAny(p.Filename, " \t\n") || strings.HasPrefix(p.Filename, "/") || hasDotDot(p.Filename) {
		return &scalarError{fFilename, fmt.Sprintf("bad path %q", p.Filename)}
	}
	var err error
	if p.Size, err = strconv.ParseInt(val(fSize), 10, 64); err != nil || p.Size < 0 {
		return &scalarError{fSize, fmt.Sprintf("bad size %q", val(fSize))}
	}
	if is := val(fInstalledSize); is != "" {
		if p.InstalledSize, err = strconv.ParseInt(is, 10, 64); err != nil || p.InstalledSize < 0 {
			return &scalarError{fInstalledSize, fmt.Sprintf("bad size %q", is)}
		}
	}
	p.SHA256 = val(fSHA256)
	if len(p.SHA256) != 64 || !isLowerHex(p.SHA256) {
		return &scalarError{fSHA256, fmt.Sprintf("bad digest %q", val(fSHA256))}
	}
	p.Description, _, _ = strings.Cut(val(fDescription), "\n")
	return nil
}

func hasDotDot(path string) bool {
	for _, e := range strings.Split(path, "/") {
		if e == ".." {
			return true
		}
	}
	return false
}

// yesNo reads a yes/no field; absent is no.
func yesNo(v string) (bool, bool) {
	switch v {
	case "", "no":
		return false, true
	case "yes":
		return true, true
	}
	return false, false
}

// source reads "Source: name" or "Source: name (version)".
func (p *Package) source(v string) error {
	p.Source, p.SourceVersion = p.Name, p.Version
	if v == "" {
		return nil
	}
	name, rest, versioned := strings.Cut(v, " ")
	if err := debver.CheckName(name); err != nil {
		return err
	}
	p.Source = name
	if !versioned {
		return nil
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
		return fmt.Errorf("want \"name (version)\", got %q", v)
	}
	sv, err := debver.Parse(rest[1 : len(rest)-1])
	if err != nil {
		return err
	}
	p.SourceVersion = sv
	return nil
}

// parseProvides reads Provides: relations without alternatives, each
// unversioned or "=" (policy §7.5).
func parseProvides(v string) ([]debver.Relation, error) {
	l, err := debver.ParseRelations(v, debver.ParseOptions{})
	if err != nil || len(l) == 0 {
		return nil, err
	}
	out := make([]debver.Relation, len(l))
	for i, alts := range l {
		if len(alts) != 1 {
			return nil, fmt.Errorf("alternatives in %q", alts)
		}
		if alts[0].Op != debver.None && alts[0].Op != debver.EQ {
			return nil, fmt.Errorf("only = is allowed in a versioned provide: %q", alts[0])
		}
		out[i] = alts[0]
	}
	return out, nil
}

// isLowerHex checks a digest without allocating (Packages indexes write
// digests in lower case; upper case is refused rather than copied).
func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
