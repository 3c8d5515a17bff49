package examples_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/disco-build/disco/runtime/loader"
)

// snippet is one fenced Starlark block of a Markdown file.
type snippet struct {
	file string // repository-relative
	line int    // of the opening fence
	code string
}

// fence opens a Starlark block: ```python or ```starlark.
var fence = regexp.MustCompile("^```(python|starlark)\\s*$")

// markdownSnippets returns the Starlark blocks of README.md and docs/*.md.
func markdownSnippets(t *testing.T) []snippet {
	t.Helper()
	files, err := filepath.Glob("../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []snippet
	for _, path := range append([]string{"../README.md"}, files...) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var cur *snippet
		for i, line := range strings.Split(string(b), "\n") {
			switch {
			case cur == nil && fence.MatchString(strings.TrimSpace(line)):
				cur = &snippet{file: strings.TrimPrefix(path, "../"), line: i + 1}
			case cur != nil && strings.TrimSpace(line) == "```":
				out = append(out, *cur)
				cur = nil
			case cur != nil:
				cur.code += line + "\n"
			}
		}
	}
	return out
}

// TestMarkdownSnippets evaluates every Starlark block of README.md and
// docs/*.md, each alone, as the only .star file of a config root holding
// examples/starlark's other files (lib/, files/, overlays/, init/) and
// examples/debian's (keys/), so a snippet may load lib/common.star, name
// files/motd or a Debian keyring as those examples do. A block that
// declares machines must also validate.
func TestMarkdownSnippets(t *testing.T) {
	snippets := markdownSnippets(t)
	if len(snippets) < 10 {
		t.Fatalf("found %d Starlark blocks in README.md and docs/; the extraction is broken", len(snippets))
	}
	for _, s := range snippets {
		name := s.file + ":" + strings.TrimSpace(strings.SplitN(s.code, "\n", 2)[0])
		t.Run(strings.ReplaceAll(name, "/", "_"), func(t *testing.T) {
			root := t.TempDir()
			copyExampleParts(t, "starlark", root)
			copyExampleParts(t, filepath.Join("debian", "keys"), filepath.Join(root, "keys"))
			if err := os.WriteFile(filepath.Join(root, "snippet.star"), []byte(s.code), 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := loader.Load(context.Background(), loader.Options{Root: root, Cache: filepath.Join(root, "cache")})
			if err != nil && !(strings.Contains(err.Error(), "no machines found") && !strings.Contains(s.code, "machine(")) {
				t.Errorf("%s:%d: the snippet does not evaluate: %v\n%s", s.file, s.line, err, s.code)
			}
		})
	}
}

// copyExampleParts copies examples/NAME into dst, except the .star files
// at its root, its lock and its cache.
func copyExampleParts(t *testing.T, name, dst string) {
	t.Helper()
	src := name
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		top := !strings.Contains(rel, string(filepath.Separator))
		switch {
		case rel == "cache":
			return filepath.SkipDir
		case rel == "disco.lock" || top && strings.HasSuffix(rel, ".star"):
			return nil
		case d.IsDir():
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}
