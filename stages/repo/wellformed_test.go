package repo_test

import (
	"strings"
	"testing"

	"github.com/disco-build/disco/stages/repo"
)

// TestNotWellFormed: metadata that is not well-formed XML is refused with
// file and line, wherever the damage is. Each of these was accepted before
// (the tokenizer took any bytes as names, encoding/xml stops reading after
// repomd.xml's document element).
func TestNotWellFormed(t *testing.T) {
	const pkg = `<package type="rpm"><name>a</name><arch>noarch</arch><version epoch="0" ver="1" rel="1"/>` +
		`<location href="a.rpm"/><format><file>/a</file></format></package>`
	primary := func(inside string) string {
		return "<?xml version=\"1.0\"?>\n<metadata packages=\"1\">\n" + pkg + "\n" + inside + "\n</metadata>\n"
	}
	for _, c := range []struct{ name, doc, want string }{
		{"attribute junk", strings.Replace(primary(""), `<package type="rpm">`, `<package <<< type="rpm">`, 1), "p.xml:3: malformed attribute"},
		{"bad element name", primary(`<x&y/>`), "p.xml:4: malformed start tag"},
		{"trailing element", primary("") + "<package <<<", "p.xml:6: "},
		{"second root", primary("") + "<metadata/>", "p.xml:6: <metadata> after the document element"},
		{"lt in attribute", strings.Replace(primary(""), `href="a.rpm"`, `href="a<b.rpm"`, 1), "p.xml:3: attribute href"},
		{"repeated attribute", strings.Replace(primary(""), `ver="1"`, `ver="1" ver="2"`, 1), "p.xml:3: attribute ver repeated"},
		{"comment", primary("<!-- a -- b -->"), `p.xml:4: "--" inside a comment`},
		{"control character", strings.Replace(primary(""), `ver="1"`, "ver=\"1\x01\"", 1), "p.xml:3: attribute ver"},
		{"bogus declaration", primary("<!junk>"), "p.xml:4: malformed start tag"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := repo.ReadPrimary(strings.NewReader(c.doc), "p.xml")
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("ReadPrimary: %v, want %q", err, c.want)
			}
			fl := strings.NewReplacer("<metadata packages", "<filelists packages", "</metadata>", "</filelists>",
				`<package type="rpm">`, `<package pkgid="x" name="a" arch="noarch">`, "<package <<< type=\"rpm\">", `<package <<< pkgid="x" name="a" arch="noarch">`).Replace(c.doc)
			if err := repo.ReadFilelists(strings.NewReader(fl), "p.xml", nil); err == nil || !strings.HasPrefix(err.Error(), "p.xml:") {
				t.Errorf("ReadFilelists: %v, want an error naming p.xml and a line", err)
			}
		})
	}
	const md = "<?xml version=\"1.0\"?>\n<repomd>\n<revision>1</revision>\n</repomd>\n"
	for _, c := range []struct{ doc, want string }{
		{md + "<package <<<", "repomd.xml:5: "},
		{md + "trailing", "repomd.xml:5: text outside the document element"},
		{strings.Replace(md, "<revision>", `<revision a="1" a="2">`, 1), "repomd.xml:3: attribute a repeated"},
		{strings.Replace(md, "</revision>", "</revisio>", 1), "repomd.xml:3: "},
	} {
		if _, err := repo.ParseRepoMD("repomd.xml", []byte(c.doc)); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("ParseRepoMD(%q): %v, want %q", c.doc, err, c.want)
		}
	}
	if _, err := repo.ParseRepoMD("repomd.xml", []byte(md)); err != nil {
		t.Errorf("a good repomd.xml: %v", err)
	}
	if _, err := repo.ReadPrimary(strings.NewReader(primary("<!-- fine -->")), "p.xml"); err != nil {
		t.Errorf("a good primary.xml: %v", err)
	}
}
