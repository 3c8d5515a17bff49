package builtins

import (
	"flag"
	"os"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/builtins.md")

const referencePath = "../docs/builtins.md"

// TestReference fails when a predeclared name has no reference entry, or
// when docs/builtins.md differs from the doc strings.
func TestReference(t *testing.T) {
	documented := map[string]bool{}
	for _, d := range Docs() {
		if d.Signature == "" || strings.TrimSpace(d.Text) == "" {
			t.Errorf("builtin %s: empty signature or doc string", d.Name)
		}
		if !strings.HasPrefix(d.Signature, d.Name) {
			t.Errorf("builtin %s: signature %q does not start with its name", d.Name, d.Signature)
		}
		documented[d.Name] = true
	}
	var names []string
	for name := range Universe() {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !documented[name] {
			t.Errorf("predeclared %s has no reference entry in Docs()", name)
		}
	}
	want := Reference()
	if *update {
		if err := os.WriteFile(referencePath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(referencePath)
	if err != nil {
		t.Fatalf("%v (run go test ./builtins -run TestReference -update)", err)
	}
	if string(got) != want {
		t.Errorf("%s is stale; run go test ./builtins -run TestReference -update", referencePath)
	}
	for _, name := range names {
		if !strings.Contains(string(got), "\n## "+name+"\n") {
			t.Errorf("%s lacks a section for %s", referencePath, name)
		}
	}
}
