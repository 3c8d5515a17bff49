package builtins

import (
	"fmt"
	"strings"
)

// Reference renders the Markdown reference page of every predeclared name
// (docs/builtins.md is this text; a test keeps them equal).
func Reference() string {
	var b strings.Builder
	b.WriteString("# Starlark builtins\n\n")
	b.WriteString("<!-- Generated from the builtins' doc strings: go test ./builtins -run TestReference -update -->\n\n")
	b.WriteString("Every configuration file sees these names. Paths given to `read_file`, `glob`, `file(src=...)`,\n")
	b.WriteString("`overlay`, `init` and `apt_repo(keyring=...)` are relative to the config root. `load(\"x.star\", ...)` loads a file relative to\n")
	b.WriteString("the config root; `load(\"@disco/NAME.star\", ...)` loads a module shipped with disco (see starlib/).\n\n")
	for _, d := range Docs() {
		// The signature is not code one could run: a plain block. The
		// examples are, and a test evaluates them (examples/snippets_test.go).
		fmt.Fprintf(&b, "## %s\n\n```\n%s\n```\n\n%s\n\n", d.Name, d.Signature, fence(d.Text))
	}
	return b.String()
}

// fence turns the indented example lines of a doc string into a fenced
// Starlark block.
func fence(text string) string {
	var out []string
	in := false
	for _, line := range strings.Split(text, "\n") {
		indented := strings.HasPrefix(line, "    ")
		switch {
		case indented && !in:
			out = append(out, "```python")
			in = true
		case !indented && in && line != "":
			out = append(out, "```")
			in = false
		}
		if in {
			line = strings.TrimPrefix(line, "    ")
		}
		out = append(out, line)
	}
	if in {
		out = append(out, "```")
	}
	return strings.Join(out, "\n")
}
