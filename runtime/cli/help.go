package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/peterbourgon/ff/v3/ffcli"
)

// flagsMark is what a command's ShortUsage says where its generated list
// of flags goes: "disco build [flags]" becomes "disco build [--force]
// [-j N] ...". Generating the list from the flag set keeps it true when a
// flag is added.
const flagsMark = "[flags]"

// prepare finishes the command tree built by rootCommand: every verb
// also accepts the global flags (after the verb as before it), usage
// lines list each verb's own flags, help goes through helpText and a
// failing parse only records which command failed (Run prints one line).
func (e *env) prepare(root *ffcli.Command) {
	var globals []*flag.Flag
	root.FlagSet.VisitAll(func(f *flag.Flag) { globals = append(globals, f) })
	e.globals = map[string]bool{}
	for _, g := range globals {
		e.globals[g.Name] = true
	}
	e.paths = map[*ffcli.Command]string{}
	var walk func(c *ffcli.Command, path string)
	walk = func(c *ffcli.Command, path string) {
		e.paths[c] = path
		c.ShortUsage = strings.Replace(c.ShortUsage, flagsMark, usageFlags(c.FlagSet, nil), 1)
		if c != root {
			for _, g := range globals {
				if c.FlagSet.Lookup(g.Name) == nil {
					c.FlagSet.Var(g.Value, g.Name, g.Usage)
				}
			}
		}
		c.FlagSet.SetOutput(io.Discard) // the flag package's own messages
		c.UsageFunc = func(c *ffcli.Command) string { e.failed = c; return "" }
		if exec := c.Exec; exec != nil {
			c.Exec = func(ctx context.Context, args []string) error {
				e.failed = c
				return exec(ctx, args)
			}
		}
		for _, s := range c.Subcommands {
			walk(s, path+" "+s.Name)
		}
	}
	walk(root, "disco")
	e.root = root
}

// usageFlags lists the flags of fs, in name order, as a usage line shows
// them: [--name VALUE] or [--bool]; skip names flags left out.
func usageFlags(fs *flag.FlagSet, skip map[string]bool) string {
	var out []string
	fs.VisitAll(func(f *flag.Flag) {
		if skip[f.Name] {
			return
		}
		if arg := argName(f); arg != "" {
			out = append(out, "["+dashes(f.Name)+" "+arg+"]")
		} else {
			out = append(out, "["+dashes(f.Name)+"]")
		}
	})
	return strings.Join(out, " ")
}

// argName is the placeholder of a flag's value: the back-quoted word of
// its usage text, else one from its type; "" for a bool flag.
func argName(f *flag.Flag) string {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return ""
	}
	name, _ := flag.UnquoteUsage(f)
	switch name {
	case "int", "uint", "float":
		return "N"
	case "duration":
		return "D"
	case "", "string", "value":
		return "VALUE"
	}
	return name
}

// dashes writes a flag's name as users type it: -j, --force.
func dashes(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// helpText is a command's help: what it does, its usage line (wrapped),
// its long help with examples, its subcommands and its flags, then the
// global flags every verb accepts.
func (e *env) helpText(c *ffcli.Command) string {
	var b strings.Builder
	if c.ShortHelp != "" {
		fmt.Fprintf(&b, "DESCRIPTION\n  %s\n\n", c.ShortHelp)
	}
	fmt.Fprintf(&b, "USAGE\n%s\n\n", wrapUsage(c.ShortUsage, helpWidth))
	if c.LongHelp != "" {
		fmt.Fprintf(&b, "%s\n\n", c.LongHelp)
	}
	if len(c.Subcommands) > 0 {
		b.WriteString("SUBCOMMANDS\n")
		tw := tabwriter.NewWriter(&b, 0, 2, 2, ' ', 0)
		for _, s := range c.Subcommands {
			fmt.Fprintf(tw, "  %s\t%s\n", s.Name, s.ShortHelp)
		}
		tw.Flush()
		b.WriteString("\n")
	}
	own := func(f *flag.Flag) bool { return c == e.root || !e.globals[f.Name] }
	global := func(f *flag.Flag) bool { return c != e.root && e.globals[f.Name] }
	title := "FLAGS"
	if c == e.root {
		title = "GLOBAL FLAGS (also accepted after the verb)"
	}
	writeFlags(&b, title, c.FlagSet, own)
	writeFlags(&b, "GLOBAL FLAGS", c.FlagSet, global)
	return strings.TrimRight(b.String(), "\n") + "\n"
}

func writeFlags(b *strings.Builder, title string, fs *flag.FlagSet, keep func(*flag.Flag) bool) {
	var names, usages []string
	width := 0
	fs.VisitAll(func(f *flag.Flag) {
		if !keep(f) {
			return
		}
		_, usage := flag.UnquoteUsage(f)
		name := dashes(f.Name)
		if arg := argName(f); arg != "" {
			name += " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		names, usages = append(names, name), append(usages, usage)
		width = max(width, len(name))
	})
	if len(names) == 0 {
		return
	}
	b.WriteString(title + "\n")
	for i, name := range names {
		indent := strings.Repeat(" ", 2+width+2)
		text := wrapWords(usages[i], helpWidth-len(indent))
		fmt.Fprintf(b, "  %-*s  %s\n", width, name, strings.ReplaceAll(text, "\n", "\n"+indent))
	}
	b.WriteString("\n")
}

// helpWidth is the widest line help prints.
const helpWidth = 100

// wrapWords breaks text into lines of at most width bytes between words.
func wrapWords(text string, width int) string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(text) {
		if cur != "" && len(cur)+1+len(w) > width {
			lines, cur = append(lines, cur), w
			continue
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	return strings.Join(append(lines, cur), "\n")
}

// wrapUsage breaks a usage line between its bracketed parts to fit width,
// continuation lines indented under the first flag.
func wrapUsage(line string, width int) string {
	words := splitUsage(line)
	var out []string
	cur := "  "
	indent := "  "
	for i, w := range words {
		if i == 1 {
			indent = strings.Repeat(" ", len(cur))
		}
		if i > 0 && len(cur)+1+len(w) > width && strings.TrimSpace(cur) != "" {
			out = append(out, cur)
			cur = indent + w
			continue
		}
		if i > 0 {
			cur += " "
		}
		cur += w
	}
	return strings.Join(append(out, cur), "\n")
}

// splitUsage splits "disco build [--group G] [-j N]" into "disco build"
// and the bracketed parts, keeping each bracket with its content.
func splitUsage(line string) []string {
	var words []string
	depth, start := 0, 0
	for i, r := range line {
		switch r {
		case '[':
			depth++
		case ']':
			depth--
		case ' ':
			if depth == 0 {
				words = append(words, line[start:i])
				start = i + 1
			}
		}
	}
	words = append(words, line[start:])
	// Keep the command's words ("disco cache gc") together.
	n := 0
	for n < len(words) && !strings.HasPrefix(words[n], "[") && !strings.HasPrefix(words[n], "<") {
		n++
	}
	if n > 1 {
		words = append([]string{strings.Join(words[:n], " ")}, words[n:]...)
	}
	return words
}

// commandAt finds the command a path of names leads to from root.
func commandAt(root *ffcli.Command, names []string) (*ffcli.Command, error) {
	c := root
	for i, n := range names {
		var next *ffcli.Command
		for _, s := range c.Subcommands {
			if s.Name == n {
				next = s
			}
		}
		if next == nil {
			return nil, usagef("help: %q is not a verb of '%s' (they are: %s)", n, strings.Join(append([]string{"disco"}, names[:i]...), " "), verbNames(c))
		}
		c = next
	}
	return c, nil
}

func (e *env) helpCommand() *ffcli.Command {
	fs := flag.NewFlagSet("help", flag.ContinueOnError)
	return &ffcli.Command{
		Name:       "help",
		ShortUsage: "disco help [VERB [SUBVERB]]",
		ShortHelp:  "show the help of disco or of a verb",
		LongHelp: strings.TrimSpace(`
Prints the help of disco, or of the verb named (on standard output; -h after
a verb prints the same on standard error).

Examples:
  disco help build
  disco help cache gc`),
		FlagSet: fs,
		Exec: func(_ context.Context, args []string) error {
			c, err := commandAt(e.root, args)
			if err != nil {
				return err
			}
			_, err = io.WriteString(e.stdout, e.helpText(c))
			return err
		},
	}
}

// flagErrors rewrite the flag package's messages in disco's words.
var flagErrors = []struct {
	re   *regexp.Regexp
	repl func(m []string) string
}{
	{regexp.MustCompile(`^flag provided but not defined: -(.+)$`), func(m []string) string { return "unknown flag " + dashes(m[1]) }},
	{regexp.MustCompile(`^flag needs an argument: -(.+)$`), func(m []string) string { return "flag " + dashes(m[1]) + " needs a value" }},
	{regexp.MustCompile(`^invalid (boolean )?value (".*") for (flag )?-([^:]+): (.*)$`), func(m []string) string {
		return "invalid value " + m[2] + " for " + dashes(m[4]) + ": " + m[5]
	}},
}

// usageMessage is the one line a usage error prints, with a hint naming
// the help of the command that failed.
func (e *env) usageMessage(err error) string {
	for {
		// ff's "error parsing commandline arguments: %w" adds nothing.
		u := errors.Unwrap(err)
		if u == nil || !strings.HasSuffix(err.Error(), u.Error()) {
			break
		}
		err = u
	}
	msg := err.Error()
	for _, fe := range flagErrors {
		if m := fe.re.FindStringSubmatch(msg); m != nil {
			msg = fe.repl(m)
			break
		}
	}
	path := "disco"
	if p, ok := e.paths[e.failed]; ok {
		path = p
	}
	if strings.Contains(msg, "see 'disco") {
		return "disco: " + msg
	}
	return fmt.Sprintf("disco: %s; see '%s -h'", msg, path)
}

// verbNames lists the verbs, for messages.
func verbNames(root *ffcli.Command) string {
	var names []string
	for _, s := range root.Subcommands {
		names = append(names, s.Name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
