package deb822

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func scanAll(t *testing.T, doc string, opts Options) ([]Paragraph, error) {
	t.Helper()
	s := NewScanner(doc, "test", opts)
	var out []Paragraph
	for s.Scan() {
		out = append(out, s.Paragraph().Clone())
	}
	return out, s.Err()
}

func TestScan(t *testing.T) {
	doc := "\n\nPackage: foo\nVersion:  1.0 \nDescription: short\n long line\n .\n more\n\n \t\npackage: bar\nDEPENDS: a,\n b (>= 1)\nSHA256:\n 0123 12 main/Packages\n 4567 34 main/Packages.xz\n"
	ps, err := scanAll(t, doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 {
		t.Fatalf("%d paragraphs", len(ps))
	}
	p := &ps[0]
	if p.Line != 3 || p.Value("version") != "1.0" || p.Value("Description") != "short\n long line\n .\n more" {
		t.Errorf("first paragraph: %+v", p)
	}
	if got := Lines(p.Value("Description")); !reflect.DeepEqual(got, []string{"short", "long line", "", "more"}) {
		t.Errorf("Lines = %q", got)
	}
	q := &ps[1]
	if q.Value("Package") != "bar" || q.Value("depends") != "a,\n b (>= 1)" || q.Field("Depends").Line != 12 {
		t.Errorf("second paragraph: %+v", q)
	}
	if v := q.Value("SHA256"); v != "\n 0123 12 main/Packages\n 4567 34 main/Packages.xz" {
		t.Errorf("SHA256 = %q", v)
	}
	if _, ok := q.Get("Version"); ok {
		t.Error("Get found a missing field")
	}
}

func TestScanCRLFAndComments(t *testing.T) {
	crlf := strings.ReplaceAll("A: 1\nB: x\n y\n\nA: 2\n", "\n", "\r\n")
	ps, err := scanAll(t, crlf, Options{})
	if err != nil || len(ps) != 2 || ps[0].Value("B") != "x\n y" || ps[1].Value("A") != "2" {
		t.Fatalf("CRLF: %+v, %v", ps, err)
	}
	src := "# a sources file\nTypes: deb\n# inside\nURIs: http://x/\nComponents: main\n# between lines\n contrib\n\n#only a comment\n\nTypes: deb-src\n"
	ps, err = scanAll(t, src, Options{Comments: true})
	if err != nil || len(ps) != 2 || ps[0].Value("Components") != "main\n contrib" || ps[0].Line != 2 {
		t.Fatalf("comments: %+v, %v", ps, err)
	}
	if _, err := scanAll(t, src, Options{}); err == nil || !strings.HasPrefix(err.Error(), "test:1: ") {
		t.Errorf("comment without Options.Comments: %v", err)
	}
}

func TestScanErrors(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{" continued\n", "test:1: continuation line with no field before it"},
		{"A: 1\n\n b\n", "test:3: continuation line"},
		{"A: 1\nno colon here\n", "test:2: \"no colon here\" is not a field"},
		{"A: 1\na: 2\n", "test:2: field a repeated (first at line 1)"},
		{": x\n", "test:1: field with an empty name"},
		{"-A: x\n", "test:1: field name \"-A\" may not start with '-'"},
		{"A B: x\n", "test:1: field name \"A B\" has invalid character ' '"},
		{"A: 1\nB: \x00\n", "test:2: NUL byte"},
	} {
		_, err := scanAll(t, c.doc, Options{})
		var e *Error
		if !errors.As(err, &e) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.doc, err, c.want)
		}
	}
}

func TestReadAll(t *testing.T) {
	ps, err := ReadAll(strings.NewReader("A: 1\n\nA: 2"), "r", Options{})
	if err != nil || len(ps) != 2 || ps[1].Value("A") != "2" {
		t.Fatalf("%+v %v", ps, err)
	}
}

// FuzzScan checks that the scanner never panics, that every error names
// the file and a line of the document, and that every value it returns is
// free of line breaks at either end of a line-free value.
func FuzzScan(f *testing.F) {
	f.Add("Package: a\nDepends: b,\n c\n\nPackage: d\n", false)
	f.Add("# c\nTypes: deb\n# x\n y\n", true)
	f.Add("A:\r\n b\r\n\r\nB: 1", false)
	f.Fuzz(func(t *testing.T, doc string, comments bool) {
		s := NewScanner(doc, "f", Options{Comments: comments})
		lines := strings.Count(doc, "\n") + 1
		for s.Scan() {
			p := s.Paragraph()
			if len(p.Fields) == 0 || p.Line < 1 || p.Line > lines {
				t.Fatalf("bad paragraph %+v", p)
			}
			for _, fl := range p.Fields {
				if fl.Name == "" || strings.ContainsAny(fl.Name, ": \t\n") || fl.Line < p.Line {
					t.Fatalf("bad field %+v", fl)
				}
			}
		}
		if err := s.Err(); err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != "f" || e.Line < 1 || e.Line > lines {
				t.Fatalf("error %v does not name a line of the document", err)
			}
		}
	})
}

func TestFirstLine(t *testing.T) {
	_, err := scanAll(t, "A: 1\n\n b\n", Options{})
	s := NewScanner("A: 1\n\n b\n", "part", Options{FirstLine: 100})
	for s.Scan() {
	}
	if err == nil || s.Err() == nil || s.Err().Error() != "part:102: continuation line with no field before it" {
		t.Fatalf("%v / %v", err, s.Err())
	}
}
