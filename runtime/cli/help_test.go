package cli

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"

	"github.com/peterbourgon/ff/v3/ffcli"
)

// TestHelpOfEveryVerb checks each command's help: its usage line names
// every flag the command defines, and each of its examples runs that
// very command (or, for disco and cache, one of their verbs).
func TestHelpOfEveryVerb(t *testing.T) {
	e := &env{}
	root := e.rootCommand()
	e.prepare(root)
	var walk func(c *ffcli.Command)
	walk = func(c *ffcli.Command) {
		path := e.paths[c]
		var out bytes.Buffer
		args := append(strings.Fields(path)[1:], "-h")
		if code := Run(context.Background(), args, nil, &out, &out); code != ExitOK {
			t.Errorf("%s -h: exit %d", path, code)
		}
		help := out.String()
		usage := help[strings.Index(help, "USAGE\n"):]
		usage = usage[:strings.Index(usage, "\n\n")]
		c.FlagSet.VisitAll(func(f *flag.Flag) {
			if !e.globals[f.Name] || c == root {
				if !strings.Contains(usage, "["+dashes(f.Name)+"]") && !strings.Contains(usage, "["+dashes(f.Name)+" ") {
					t.Errorf("%s: usage line lacks %s:\n%s", path, dashes(f.Name), usage)
				}
			}
		})
		examples := examplesOf(c.LongHelp)
		if len(examples) == 0 {
			t.Errorf("%s: no examples in its help", path)
		}
		for _, ex := range examples {
			if !strings.HasPrefix(commandOf(ex)+" ", path+" ") {
				t.Errorf("%s: example %q runs %q", path, ex, commandOf(ex))
			}
		}
		for _, s := range c.Subcommands {
			walk(s)
		}
	}
	walk(root)
}

// examplesOf returns the indented lines after "Example:" or "Examples:".
func examplesOf(long string) []string {
	var out []string
	in := false
	for _, line := range strings.Split(long, "\n") {
		switch {
		case line == "Example:" || line == "Examples:":
			in = true
		case in && strings.HasPrefix(line, "  "):
			out = append(out, strings.TrimSpace(line))
		default:
			in = false
		}
	}
	return out
}

// commandOf is the command an example line runs: "disco" and its verbs,
// global flags and their values left out.
func commandOf(line string) string {
	words := strings.Fields(line)
	path := []string{words[0]}
	for i := 1; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "-C" || w == "--config" || w == "--cache" || w == "--log-level" || w == "--log-format":
			i++
		case strings.HasPrefix(w, "-"):
		case len(path) == 1 || path[len(path)-1] == "cache" || path[len(path)-1] == "help" && len(path) == 2:
			path = append(path, w)
		default:
			return strings.Join(path, " ")
		}
	}
	return strings.Join(path, " ")
}
